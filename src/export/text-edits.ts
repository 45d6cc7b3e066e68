/**
 * A list of cuts in the snippet's text, applied in one go. Each edit replaces one range of the
 * original text (an insertion is an empty range), so everything between edits is carried over
 * byte for byte, and a position in the original can be followed into the result.
 */

export interface TextEdit {
  start: number;
  end: number;
  text: string;
  /** Edits that only make sense in the real target runtime (`npm:` specifiers), left out of the load check. */
  targetOnly: boolean;
}

export interface AppliedEdits {
  code: string;
  /** Where a position of the original text ended up in `code`. */
  outputOffset(pos: number): number;
}

/** The edits made to one source text so far, and the text with them applied. */
export interface TextEdits {
  /** Replaces [start, end) with `text`. */
  replace(start: number, end: number, text: string): void;
  /** Inserts `text` at `at`. */
  insert(at: number, text: string): void;
  /** Removes [start, end). */
  remove(start: number, end: number): void;
  /** A replacement for the target runtime only (the load check in Bun leaves it out). */
  replaceForTarget(start: number, end: number, text: string): void;
  /** The edited text, as the target runtime will run it. */
  apply(): AppliedEdits;
  /** The edited text without target-only edits: what the playground's runner can load as a check. */
  applyForCheck(): AppliedEdits;
  /** Whether an edit already touches [start, end). */
  touches(start: number, end: number): boolean;
}

export function createTextEdits(source: string): TextEdits {
  const edits: TextEdit[] = [];

  function add(start: number, end: number, text: string, targetOnly = false): void {
    if (start < 0 || end > source.length || start > end) throw new Error(`edit out of range: ${start}..${end}`);
    edits.push({ start, end, text, targetOnly });
  }

  function apply(include: (edit: TextEdit) => boolean): AppliedEdits {
    // Stable sort: insertions at one position keep the order they were made in.
    const ordered = edits.filter(include).sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
    let code = "";
    let at = 0;
    for (const edit of ordered) {
      if (edit.start < at) throw new Error(`overlapping edits at ${edit.start}: ${JSON.stringify(edit.text)}`);
      code += source.slice(at, edit.start) + edit.text;
      at = edit.end;
    }
    code += source.slice(at);
    return {
      code,
      outputOffset(pos: number): number {
        let shift = 0;
        for (const edit of ordered) {
          if (edit.end <= pos) shift += edit.text.length - (edit.end - edit.start);
          else if (edit.start < pos) return edit.start + shift;
        }
        return pos + shift;
      },
    };
  }

  return {
    replace: (start: number, end: number, text: string) => add(start, end, text),
    insert: (at: number, text: string) => add(at, at, text),
    remove: (start: number, end: number) => add(start, end, ""),
    replaceForTarget: (start: number, end: number, text: string) => add(start, end, text, true),
    apply: () => apply(() => true),
    applyForCheck: () => apply((edit) => !edit.targetOnly),
    touches(start: number, end: number): boolean {
      return edits.some((edit) => edit.start < end && start < edit.end);
    },
  };
}
