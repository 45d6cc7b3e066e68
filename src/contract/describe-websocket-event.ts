/** How each WebSocket event reads in one line (see `describe-event.ts`). */

import type { EventColour } from "./event-colour.ts";
import type { WebSocketEvent, WsPayload } from "./websocket-events.ts";

/** `12 B text "hello"` or `3 B binary 0a 0b ff`. */
export function describePayload(payload: WsPayload, visible: (text: string) => string): string {
  return `${payload.bytes} B ${payload.binary ? `binary ${payload.text}` : `text ${visible(payload.text)}`}`;
}

/** What a send or publish returned, in words. */
export function describeSendResult(result: number): string {
  if (result === -1) return "−1: queued behind backpressure";
  if (result === 0) return "0: dropped";
  return `${result}: sent`;
}

/** Normal closes (1000 normal, 1001 going away, 1005 no code given) are not worth a warning colour. */
const normalCloses = new Set([1000, 1001, 1005]);

function closeDetail(code: number, reason: string, visible: (text: string) => string): string {
  return `code ${code}${reason === "" ? "" : ` ${visible(reason)}`}`;
}

export function describeWebSocketEvent(
  event: WebSocketEvent,
  visible: (text: string) => string,
): { detail: string; colour: EventColour } {
  if (event.side === "server") {
    switch (event.kind) {
      case "ws-open":
        return {
          detail: `opened, served by v${event.version}${event.data === undefined ? "" : `, ws.data ${event.data}`}`,
          colour: "blue",
        };
      case "ws-message":
        return { detail: `${describePayload(event, visible)} → v${event.version}`, colour: "reset" };
      case "ws-send":
        return {
          detail: `${describePayload(event, visible)} by ${event.via}${event.topic === undefined ? "" : ` to ${visible(event.topic)}`}, returned ${describeSendResult(event.result)}`,
          colour: event.result === 0 ? "red" : event.result < 0 ? "yellow" : "reset",
        };
      case "ws-drain":
        return { detail: "drain: the backpressure cleared", colour: "green" };
      case "ws-close":
        return {
          detail: closeDetail(event.code, event.reason, visible),
          colour: normalCloses.has(event.code) ? "blue" : "yellow",
        };
      case "ws-publish": {
        const who = event.by === "ws" ? "ws.publish" : "server.publish";
        return {
          detail: `${who} to ${visible(event.topic)}, ${event.subscribers} subscriber${event.subscribers === 1 ? "" : "s"}: ${describePayload(event, visible)}, returned ${describeSendResult(event.result)}`,
          colour: "magenta",
        };
      }
      default: {
        const _never: never = event;
        return { detail: JSON.stringify(_never), colour: "reset" };
      }
    }
  }
  switch (event.kind) {
    case "ws-open":
      return {
        detail: `protocol ${event.protocol === "" ? "none" : visible(event.protocol)}${event.extensions === "" ? "" : `, extensions ${visible(event.extensions)}`}`,
        colour: "cyan",
      };
    case "ws-send":
      return { detail: describePayload(event, visible), colour: "reset" };
    case "ws-message":
      return { detail: describePayload(event, visible), colour: "magenta" };
    case "ws-close":
      return {
        detail: `${closeDetail(event.code, event.reason, visible)}, ${event.wasClean ? "clean" : "not clean"}${event.by === undefined ? "" : `, by the ${event.by}`}`,
        colour: event.wasClean && normalCloses.has(event.code) ? "cyan" : "yellow",
      };
    case "ws-error":
      return { detail: event.message, colour: "red" };
    default: {
      const _never: never = event;
      return { detail: JSON.stringify(_never), colour: "reset" };
    }
  }
}
