/** Protocol lenses: LLM and agent streams read as their clients assemble them. */

export { aiSdkUiPartTypes } from "./ai-sdk-ui.ts";
export { parseJsonPath, type PathStep, valuesAt } from "./json-path.ts";
export {
  createLensReader,
  type LensOptions,
  type LensReader,
  readLanes,
  recognisePayload,
  recognitionFrames,
} from "./lens-reader.ts";
export { describeReading, describeTiming, lensSummary } from "./lens-summary.ts";
export {
  type DeltaChannel,
  deltaChannels,
  type LensDelta,
  type LensProtocol,
  lensProtocolNames,
  lensProtocols,
  type LensReading,
  type LensRpcMessage,
  type LensRule,
  lensRules,
  type LensTiming,
  type LensToolCall,
  type LensViolation,
} from "./lens-types.ts";
export { requestsIn } from "./mcp.ts";
