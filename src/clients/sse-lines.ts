/**
 * Cuts a decoded event stream into lines at CR, LF or CRLF, however it was cut into pieces: a
 * CRLF split between two pieces is one line end, not two.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */

const CR = 13;
const LF = 10;

/**
 * Finds the line ends of one text in order. Each search remembers where the next CR and the next
 * LF are, so a text with no CR at all is not searched to its end once per line.
 */
function lineEnds(text: string) {
  let cr = text.indexOf("\r");
  let lf = text.indexOf("\n");
  /** The next CR or LF at or after `from`, or -1. */
  return (from: number): number => {
    if (cr !== -1 && cr < from) cr = text.indexOf("\r", from);
    if (lf !== -1 && lf < from) lf = text.indexOf("\n", from);
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return Math.min(cr, lf);
  };
}

/** Cuts text arriving in pieces into lines at CR, LF or CRLF; a CRLF split between two pieces is one line end. */
export interface LineSplitter {
  /** Calls `line` with each line `text` completes, without its line end. */
  feed(text: string, line: (text: string) => void): void;
  /** The line still arriving (no line end yet), `""` when none. */
  readonly partial: string;
  /** Forgets everything: a new stream begins. */
  reset(): void;
}

export function createLineSplitter(): LineSplitter {
  /**
   * The start of a line still arriving, in pieces: joined once its end comes, so a long line costs no quadratic
   * copying.
   */
  let held: string[] = [];
  /** The last piece ended with a CR: an LF at the start of the next one belongs to it. */
  let afterCr = false;

  return {
    feed(text: string, line: (text: string) => void): void {
      if (text === "") return;
      let from = afterCr && text.charCodeAt(0) === LF ? 1 : 0;
      afterCr = false;
      const nextLineEnd = lineEnds(text);
      for (let end = nextLineEnd(from); end !== -1; end = nextLineEnd(from)) {
        const piece = text.slice(from, end);
        const whole = held.length === 0 ? piece : held.join("") + piece;
        held = [];
        from = end + 1;
        if (text.charCodeAt(end) === CR) {
          if (from === text.length) afterCr = true;
          else if (text.charCodeAt(from) === LF) from++;
        }
        line(whole);
      }
      if (from < text.length) held.push(text.slice(from));
    },
    get partial(): string {
      return held.join("");
    },
    reset(): void {
      held = [];
      afterCr = false;
    },
  };
}

/** A line's field name and value as the spec splits them, or undefined for a comment. */
export function fieldOf(line: string): { field: string; value: string } | undefined {
  if (line.charCodeAt(0) === 58) return undefined;
  const colon = line.indexOf(":");
  if (colon === -1) return { field: line, value: "" };
  return { field: line.slice(0, colon), value: line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1) };
}
