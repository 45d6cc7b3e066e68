/**
 * What building the file for one target produces, before the header goes on: the edits to the
 * snippet's text and what to tell the reader about them.
 *
 * Types only.
 */

import type { PortChoice } from "./port.ts";
import type { TextEdits } from "./text-edits.ts";

/** A sentence for the header, about a place in the snippet when `at` is set. */
export interface Remark {
  text: string;
  /** Offset in the snippet's source; the header names the line it ends up on in the exported file. */
  at?: number | undefined;
}

export interface TargetBuild {
  edits: TextEdits;
  /** What was changed from the author's code. */
  changes: Remark[];
  /** What was left as it is but is worth knowing. */
  notes: Remark[];
  port: PortChoice;
  /** Flags the run line needs besides the target's usual ones (Deno: `--allow-env`). */
  permissions: string[];
}
