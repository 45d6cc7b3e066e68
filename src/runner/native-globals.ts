/**
 * The runtime's own globals, saved before the runner patches them for instrumentation. The
 * runner's bookkeeping uses these so its own timers and streams never show up as the snippet's.
 */

export const nativeSetTimeout = globalThis.setTimeout;
export const nativeClearTimeout = globalThis.clearTimeout;
export const nativeSetInterval = globalThis.setInterval;
export const nativeClearInterval = globalThis.clearInterval;
export const NativeResponse = globalThis.Response;
export const NativeReadableStream = globalThis.ReadableStream;
export const nativeBunServe = Bun.serve;
export const nativeFetch = globalThis.fetch;
export const nativeProcessExit = process.exit.bind(process);
