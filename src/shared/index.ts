/**
 * Code the runner process and the host side (host, CLI) both run: flood control, chunk previews,
 * WebSocket messages as text or hex, the header fields a relay keeps to its own connection, the runner's stderr notes and its pulse, stacks named by the snippet's own file, the `trace` command's words
 * and a lesson's try line in them, and the watch on a file an editor saves. Bun's APIs, no DOM.
 */

export { defaultWatchDebounceMs, type FileWatch, watchFile } from "./file-watcher.ts";
export { createFloodGate, defaultFloodGate, type FloodGate, type FloodGateOptions, type Fold } from "./flood-gate.ts";
export { hopByHopFields, isHopByHop } from "./hop-by-hop.ts";
export {
  type LessonTry,
  lessonPathOf,
  lessonTryArgs,
  lessonTryOf,
  lessonTryRequest,
} from "./lesson-try.ts";
export { joinNegativeValues } from "./option-values.ts";
export { chunkBytes, type ChunkPreview, chunkPreview, previewChars } from "./preview.ts";
export { isBunIdleTimeoutWarning, parseNote, type RunnerNote, writeNote } from "./runner-notes.ts";
export {
  createPulseReader,
  openPulseWriter,
  type PulseReader,
  type PulseWriter,
  pulseDescriptor,
  runnerPulseVariable,
} from "./runner-pulse.ts";
export {
  isFileFrame,
  isStackFrame,
  readableFrames,
  readableStack,
  readableText,
  type SnippetPosition,
  snippetFileNamed,
  snippetFrameOf,
  snippetFramePlace,
  userFrames,
  virtualSnippetPath,
  virtualSnippetSuffix,
} from "./snippet-stack.ts";
export {
  parseTraceArgs,
  splitWords,
  type TraceArgs,
  type TraceArgsResult,
  traceOptionName,
  traceSettingsOfArgs,
} from "./trace-options.ts";
export { bytesOf, hexPreview, hexPreviewBytes, parseHex, payloadBytes, payloadOf } from "./ws-payload.ts";
