/**
 * The code frame Bun prints above an error: lines of the source, each `N | text` with its number
 * right-aligned, then a caret under the column that threw. A `log` event of the runner's stderr
 * begins with one when it is a print of Bun's (`src/supervisor/error-print.ts` draws it).
 */

/** A source line of a code frame. */
export const codeFrameSourceLine = /^ *\d+ \| /;
/** The caret under the column. */
export const codeFrameCaret = /^ +\^$/;

/** Whether `line` is a code frame's: a source line or the caret. */
export function isCodeFrameLine(line: string): boolean {
  return codeFrameSourceLine.test(line) || codeFrameCaret.test(line);
}

/** A log's text from its first line that is not a code frame's: the error, for a print of Bun's. */
export function logHeadline(text: string): string {
  const lines = text.split("\n");
  const head = lines.findIndex((line) => !isCodeFrameLine(line));
  return head <= 0 ? text : lines.slice(head).join("\n");
}
