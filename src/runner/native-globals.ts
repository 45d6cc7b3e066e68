/**
 * The runtime's own globals, saved before the runner patches them for instrumentation. The
 * runner's bookkeeping uses these so its own timers and streams never show up as the snippet's.
 */

export const nativeSetTimeout = globalThis.setTimeout;
export const nativeClearTimeout = globalThis.clearTimeout;
export const nativeSetInterval = globalThis.setInterval;
export const nativeClearInterval = globalThis.clearInterval;
/**
 * Typed as the one constructor the runner subclasses: Node's typings, which Bun's extend, add a
 * byte-source overload that a generic subclass cannot extend.
 */
export const NativeReadableStream = globalThis.ReadableStream as unknown as {
  readonly prototype: ReadableStream;
  new <R = unknown>(source?: Bun.UnderlyingSource<R>, strategy?: QueuingStrategy<R>): ReadableStream<R>;
};
export const NativeResponse = globalThis.Response;
export const nativeBunServe = Bun.serve;
export const nativeFetch = globalThis.fetch;
export const nativeProcessExit = process.exit.bind(process);
