/** The timeline: a pure model of the events, and a canvas view of it. */
export { createTimelineModel, type TimelineModel } from "./timeline-model.ts";
export { createTimelineView, type TimelineView, type TimelineViewOptions } from "./timeline-view.ts";
export { firstAfter, firstAtOrAfter, markNear, visibleIndexRange, visibleMarks } from "./mark-search.ts";
export { formatDuration, markRoles } from "./mark-look.ts";
export { frameLane, frameRun, latestRun, type AxisOrigin, type Framing, type LaneSpan, type Run } from "./framing.ts";
export type { LensLaneMarks } from "./timeline-types.ts";
export type { FrameStats } from "./frame.ts";
export type { TimelineTheme } from "./timeline-theme.ts";
export type { TimeRange } from "./viewport.ts";
export type {
  MarkRole,
  RowSide,
  SpanOutcome,
  TimelineLink,
  TimelineMark,
  TimelineRequest,
  TimelineRow,
  TimelineSpan,
} from "./timeline-types.ts";
