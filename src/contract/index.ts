/**
 * The contract: everything that crosses a process or page boundary. It imports no process folder
 * (`src/runner`, `src/main`, `src/webview`), so every side can depend on it and on nothing else.
 */

export type * from "./envelope.ts";
export type * from "./export.ts";
export type * from "./files.ts";
export type * from "./page-messages.ts";
export type * from "./runner-messages.ts";
export type * from "./timeline-events.ts";
