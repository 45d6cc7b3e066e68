/**
 * The colours an event can be described in, in a file of their own so `describe-event.ts` and
 * `describe-websocket-event.ts`, which it calls, both name them without importing each other.
 */

/** The colours an event's kind is shown in. */
export type EventColour = "reset" | "dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan";
