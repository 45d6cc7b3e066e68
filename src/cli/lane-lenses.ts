/**
 * The lenses in the terminal: each client lane is read through its protocol's lens as the trace
 * prints it. A protocol violation is printed right after the event that broke the rule; when the
 * lane's stream ends, the assembled message follows, with its timing. `--json` prints a `lens`
 * object per lane instead, after its last event.
 */

import { derivedLensKind, escapeForTerminal, type TimelineEvent } from "../contract/index.ts";
import {
  createLensReader,
  describeReading,
  type LensOptions,
  type LensReader,
  lensSummary,
  type LensViolation,
  parseJsonPath,
} from "../lenses/index.ts";

/**
 * Why `rule` is not a lens rule the trace can read a lane through, saying what one looks like; undefined when it is.
 * (The contract's check on a file's `lens` only asks for the `$`; a rule that a lane's reader cannot parse is
 * otherwise read as no rule at all.)
 */
export function lensRuleProblem(rule: string): string | undefined {
  const parsed = parseJsonPath(rule);
  if (parsed.ok) return undefined;
  // The error for a rule without its `$` already shows what one looks like.
  if (!rule.trim().startsWith("$")) return parsed.error;
  return `${parsed.error}; a rule is a path from the payload's root, such as $.choices[0].delta.content, $.items[*].text or $["odd key"]`;
}

export interface LaneLenses {
  /** Reads `event` (in the order printed) and gives the lines to print after it. */
  after(event: TimelineEvent): string[];
}

export interface LaneLensesOptions {
  /** The lens options of a lane: its request body, the user's rule. */
  optionsFor: (lane: number) => LensOptions;
  json: boolean;
  colour: boolean;
}

const red = (text: string, colour: boolean) => (colour ? `\x1b[31m${text}\x1b[0m` : text);
const cyan = (text: string, colour: boolean) => (colour ? `\x1b[36m${text}\x1b[0m` : text);

/** A line in the timeline's columns, of the pseudo-kind `lens`. */
function lensLine(t: number | undefined, lane: number, detail: string, colour: boolean, mark = cyan): string {
  const time = t === undefined ? " ".repeat(10) : t.toFixed(3).padStart(10);
  const laneText = t === undefined ? "    " : String(lane).padStart(4);
  const side = t === undefined ? "      " : "client";
  const kind = t === undefined ? " ".repeat(12) : mark("lens".padEnd(12), colour);
  return `${time} ${laneText}  ${side}  ${kind} ${escapeForTerminal(detail)}`;
}

export function createLaneLenses(options: LaneLensesOptions): LaneLenses {
  const readers = new Map<number, { reader: LensReader; violations: number }>();
  return {
    after(event) {
      if (event.side !== "client") return [];
      let lane = readers.get(event.lane);
      if (!lane) {
        lane = { reader: createLensReader(options.optionsFor(event.lane)), violations: 0 };
        readers.set(event.lane, lane);
      }
      const { reader } = lane;
      reader.push(event);
      // A new attempt starts a new reading (an MCP client resuming keeps its own).
      if (event.kind === "open" && reader.protocol === undefined) lane.violations = 0;
      const count = reader.violationCount;
      if (reader.protocol === undefined) return [];
      const fresh = count - lane.violations;
      const reading = fresh > 0 || event.kind === "disconnect" ? reader.reading() : undefined;
      const freshViolations: LensViolation[] = fresh > 0 ? (reading?.violations.slice(lane.violations) ?? []) : [];
      lane.violations = count;
      const lines: string[] = [];
      // The end's own checks (a missing terminator) are printed with the message, below.
      if (event.kind !== "disconnect" && !options.json)
        for (const violation of freshViolations)
          lines.push(lensLine(event.t, event.lane, `✗ ${violation.rule}: ${violation.message}`, options.colour, red));
      if (event.kind === "disconnect" && reading) {
        if (options.json) {
          lines.push(
            JSON.stringify({
              t: event.t,
              lane: event.lane,
              side: "client",
              kind: derivedLensKind,
              ...lensSummary(reading),
              violations: reading.violations,
              toolCalls: reading.toolCalls,
              timing: reading.timing,
            }),
          );
        } else {
          const [first, ...rest] = describeReading(reading);
          lines.push(lensLine(event.t, event.lane, first!, options.colour));
          for (const line of rest) lines.push(lensLine(undefined, event.lane, line, options.colour));
        }
      }
      return lines;
    },
  };
}

/** Each event's line (or JSON object), followed by what the lane's lens has to say after it. */
export function createLensFormat(
  options: LaneLensesOptions & { formatEvent: (event: TimelineEvent) => string },
): (event: TimelineEvent) => string {
  const lenses = createLaneLenses(options);
  return (event) => [options.formatEvent(event), ...lenses.after(event)].join("\n");
}
