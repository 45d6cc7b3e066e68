/**
 * The contract: everything that crosses a process or page boundary, with the checks that what
 * arrives is what it claims to be, and the endpoint that carries requests and replies. It imports
 * no process folder (`src/runner`, `src/main`, `src/webview`) and nothing from Node, so every side,
 * the page included, can depend on it and on nothing else.
 */

export * from "./check.ts";
export * from "./client-behaviour.ts";
export * from "./client-request.ts";
export * from "./clock-sync.ts";
export * from "./describe-event.ts";
export * from "./endpoint.ts";
export * from "./envelope.ts";
export * from "./error-message.ts";
export * from "./expectations.ts";
export * from "./export.ts";
export * from "./files.ts";
export * from "./host-cookie.ts";
export * from "./json-line-events.ts";
export * from "./lane-header.ts";
export * from "./json-value.ts";
export * from "./page-messages.ts";
export * from "./recording-file.ts";
export * from "./runner-messages.ts";
export * from "./timeline-checks.ts";
export * from "./timeline-events.ts";
export * from "./timeline-file.ts";
export * from "./timeline-kinds.ts";
export * from "./trailing-debounce.ts";
export * from "./websocket-checks.ts";
export * from "./websocket-events.ts";
