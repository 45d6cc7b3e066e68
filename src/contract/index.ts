/**
 * The contract: everything that crosses a process or page boundary, with the checks that what
 * arrives is what it claims to be, and the endpoint that carries requests and replies. It imports
 * no other folder and nothing from Node, Bun or the DOM, so every side, the page included, can
 * depend on it.
 */

export { array, boolean, type Check, type Checked, CheckProblem, describedAs, either, integer, literal, number, object, oneOf, optional, partialObject, record, refine, runCheck, type Shape, type ShapeOf, string, tagged } from "./check.ts";
export { type ClientBehaviour, clientBehaviourCheck, describeBehaviour, formatByteSize, parseByteSize, type ReadingCause, readingCauses, type ReadingEvent, readingEventCheck, type ReadingState, readingStates } from "./client-behaviour.ts";
export { type ClientRequest, clientRequestCheck, isOutsideUrl, maxClientsPerConnect } from "./client-request.ts";
export { type ClockOffset, type ClockPeer, type ClockReading, clockReadingCheck, type ClockSyncOptions, syncClock } from "./clock-sync.ts";
export { describeEvent, type EventColour } from "./describe-event.ts";
export { describePayload, describeSendResult, describeWebSocketEvent } from "./describe-websocket-event.ts";
export { type CompilerOptionValue, type EditorTypes, type ModuleTypes, parseEditorTypes, parseModuleTypes } from "./editor-types.ts";
export { createEndpoint, type Endpoint, type EndpointOptions, type EndpointTimers, type Handlers, RequestError, type RequestOptions } from "./endpoint.ts";
export { type Empty, emptyCheck, type Envelope, type NoPushes, type NoRequests, type PushChecks, type PushMap, type PushPayload, type RemoteError, remoteErrorCheck, type ReplyEnvelope, type ReplyTo, type RequestChecks, type RequestErrorKind, requestErrorKinds, type RequestMap, type RequestPayload, type TypeOf } from "./envelope.ts";
export { errorMessage } from "./error-message.ts";
export { compileMatch, type Count, type EndsOnItsVersionExpectation, type EventPattern, eventPatternCheck, type Expectation, expectationCheck, type ExpectationFile, expectationFileCheck, type ExpectationType, expectationTypes, type FieldMatcher, type HappensExpectation, type InOrderExpectation, type MatcherOperator, matcherOperators, type NeverExpectation, parseExpectationFile, type SameOnEveryLaneExpectation, type SteadyExpectation, type TraceSettings, traceSettingsCheck } from "./expectations.ts";
export { type ExportError, type ExportErrorKind, exportErrorKinds, type ExportOptions, type ExportResult, exportResultCheck, type ExportTarget, exportTargets, type TryRequest, tryRequestCheck } from "./export.ts";
export { absolutePathCheck, documentIdCheck, type FileEntry, type FolderListing, folderListingCheck, isAbsolutePath, isDocumentId, maxPathLength, maxSnippetBytes, maxWindowCoordinate, settingFieldChecks, type Settings, settingsCheck, settingsPatchCheck, type SnippetDocument, snippetDocumentCheck, sourceCheck, type Theme, themes, type WindowPlace, windowPlaceCheck, type WorkspaceState, workspaceStateCheck } from "./files.ts";
export { hostCookieName, hostCookiePrefix } from "./host-cookie.ts";
export { isJsonLinesType, jsonLineCheck, type JsonLineEvent, type JsonLinesMediaType, jsonLinesMediaTypes, maxJsonLineValueBytes } from "./json-line-events.ts";
export { type JsonValue, jsonValue, maxJsonDepth, sameJson } from "./json-value.ts";
export { laneHeader } from "./lane-header.ts";
export { type ConnectedLanes, type DocumentReply, type ExampleInfo, type ExportRequest, hostPushChecks, type HostPushes, type HostStatus, hostStatusCheck, type LiveClient, type LoadOutcome, maxSaveCopyBytes, type OpenedDocument, pageRequestChecks, type PageRequests, type QuitChoice, quitChoices, type SaveCopyReply, type SaveCopyRequest, type WsCloseRequest, type WsSendRequest } from "./page-messages.ts";
export { type LaneRequest, maxRecordingEvents, parseRecording, type Recording, type RecordingFileReply, recordingFileReplyCheck, recordingFormat, type RecordingHeader, recordingHeaderCheck, recordingJsonLines, type RecordingSources, recordingSourcesCheck, type RecordingView, type VersionSource } from "./recording-file.ts";
export { type LoadRequest, type LoadResult, loadResultCheck, runnerPushChecks, type RunnerPushes, runnerRequestChecks, type RunnerRequests, type RunnerSettings } from "./runner-messages.ts";
export { clientEventCheck, noticeCheck, runnerProducedEventCheck, timelineEventCheck } from "./timeline-checks.ts";
export { type AbortEvent, type BodyKind, bodyKinds, type CancelEvent, type ChunkEvent, type CleanupEvent, type CleanupVia, cleanupVias, type ClientEvent, type ClientKind, clientKinds, type DisconnectBy, disconnectBys, type DisconnectEvent, type EndEvent, type ErrorPhase, errorPhases, type EventAt, type FoldableKind, foldableKinds, type FoldedEvent, type HeadersEvent, type LeakEvent, type LeakKind, leakKinds, type LoadedEvent, type LoadErrorEvent, type LoadFailure, loadFailures, type LogEvent, type LogLevel, logLevels, type Notice, type OpenEvent, type ReconnectEvent, type RequestEvent, type ResponseEvent, type RestartCause, restartCauses, type RestartedEvent, type RunnerLaneEvent, type RunnerProducedEvent, type ServerErrorEvent, type ServerEvent, type ServerEventAt, type Side, sides, type SnippetForm, snippetForms, type SseCommentEvent, type SseEvent, type SseInvalidEvent, type SseNoEventEvent, type SseNoEventReason, sseNoEventReasons, type SseRetryEvent, type SummaryEvent, type TimelineEvent, type TimelineKind, type UncaughtEvent, type WriteEvent, type WriteVia, writeVias } from "./timeline-events.ts";
export { rebaseTimeline, timelineJsonLines } from "./timeline-file.ts";
export { type CommonField, commonFields, eventFields, fieldsOf, timelineKinds } from "./timeline-kinds.ts";
export { createTrailingDebounce } from "./trailing-debounce.ts";
export { byteEscape, cutTail, fromBase64, readSequence, sequenceLength, type Utf8Piece, utf8Pieces } from "./utf8-bytes.ts";
export { escapeCharacter, escapeInvisible, escapeInvisibleInJson, hasInvisible, type VisiblePiece, visiblePieces, visiblePreview, visibleText } from "./visible-text.ts";
export { clientWsChecks, serverWsChecks, wsEventChecks } from "./websocket-checks.ts";
export { type ClientWebSocketEvent, type ClientWsCloseEvent, type ClientWsErrorEvent, type ClientWsMessageEvent, type ClientWsOpenEvent, type ClientWsSendEvent, type ServerWebSocketEvent, type ServerWsCloseEvent, type ServerWsDrainEvent, type ServerWsMessageEvent, type ServerWsOpenEvent, type ServerWsPublishEvent, type ServerWsSendEvent, type WebSocketEvent, type WsHandlerName, wsHandlerNames, type WsKind, wsKinds, type WsPayload, type WsPublisher, wsPublishers, type WsSendVia, wsSendVias } from "./websocket-events.ts";
