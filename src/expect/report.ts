/**
 * The readable report of an evaluation: each expectation with ✓ or ✗, what held it or what broke
 * it (time, lane, event), the fields that differ for a near miss, and a closing count.
 */

import { escapeForTerminal } from "../contract/index.ts";
import { describeEventBriefly } from "./describe-expectation.ts";
import type { Evaluation } from "./evaluate.ts";

export interface ReportOptions {
  /** ANSI colours, for a terminal. */
  colour?: boolean | undefined;
}

/** How many events of a result are listed under it, beyond its summary. */
const listedEvents = 5;

export function formatReport(evaluation: Evaluation, options: ReportOptions = {}): string {
  // Everything shown comes from an expectation file or a snippet: written out before it is coloured.
  const paint = (code: string, text: string) =>
    options.colour ? `\x1b[${code}m${escapeForTerminal(text)}\x1b[0m` : escapeForTerminal(text);
  const width = String(evaluation.results.length).length;
  const lines: string[] = [];
  for (const result of evaluation.results) {
    const mark = result.ok ? paint("32", "✓") : paint("31", "✗");
    const number = String(result.index + 1).padStart(width);
    // Under the name: two spaces, the mark, a space, the number, two spaces.
    const indent = " ".repeat(width + 6);
    lines.push(`  ${mark} ${number}  ${result.ok ? escapeForTerminal(result.name) : paint("1", result.name)}`);
    lines.push(`${indent}${escapeForTerminal(result.summary)}`);
    for (const difference of result.differences) lines.push(`${indent}  ${paint("33", difference)}`);
    // A failure lists what broke it; a pass's summary is enough.
    const listed = result.ok ? [] : result.events.filter((ref) => ref.role === "match" || ref.role === "offender");
    if (listed.length > 1)
      for (const ref of listed.slice(0, listedEvents))
        lines.push(
          `${indent}  ${paint("2", `${ref.role === "match" ? "·" : "!"} ${describeEventBriefly(ref.event)}`)}`,
        );
  }
  const held = evaluation.results.filter((result) => result.ok).length;
  const total = evaluation.results.length;
  const closing =
    held === total
      ? paint("32", `All ${total} expectation${total === 1 ? "" : "s"} held.`)
      : paint("31", `${held} of ${total} expectations held; ${total - held} did not.`);
  return `${lines.join("\n")}\n\n${closing}`;
}
