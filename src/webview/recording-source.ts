/**
 * A recording's snippet, read-only, in place of the editor: each version it ran, coloured by
 * Monaco's tokenizer (no model, so nothing of it reaches the TypeScript worker checking the user's
 * own snippet), with line numbers the console's line links can jump to.
 */

import { escapeCharacter, type VersionSource } from "../contract/index.ts";
import { element } from "./dom.ts";
import { loadMonaco } from "./editor/monaco-loader.ts";

export interface RecordingSource {
  /** Shows one version's source; plain text first, coloured once Monaco has it. */
  show(version: VersionSource | undefined): Promise<void>;
  /** Scrolls a line into view and marks it (a console line's link). */
  revealLine(line: number): void;
}

/** Sources longer than this are shown as plain text: colouring them would hold the page for seconds. */
const maxColouredLines = 5_000;
/** Sources longer than this show only the lines in view (laying out half a million at once takes the page ~25 s). */
const maxListedLines = 10_000;
/** `.source-lines` line height, in CSS pixels (app.css). */
const lineHeight = 19;
/** Lines laid out around the ones in view. */
const windowLines = 400;

/**
 * Characters a source line shows written out (`\u202E`): what renders as nothing or reorders the
 * text around it (a bidi override could make code read as other code). Tabs stay tabs.
 */
const hidden =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each code point is matched on its own, combining or not.
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00A0\u2000-\u200A\u202F\u205F\u3000\u034F\u115F\u1160\u3164\uFFA0]/gu;

/** One line as list items show it: text, with hidden characters as escapes styled apart. */
function lineItem(line: string): HTMLLIElement {
  const item = element("li");
  let at = 0;
  for (const match of line.matchAll(hidden)) {
    if (match[0] === "\t") continue;
    if (match.index > at) item.append(line.slice(at, match.index));
    item.append(element("span", { class: "esc" }, escapeCharacter(match[0])));
    at = match.index + match[0].length;
  }
  if (at < line.length) item.append(line.slice(at));
  return item;
}

/** Replaces `list`'s children with `items`, without spreading them as arguments (a long source has 500,000). */
function replaceAll(list: HTMLElement, items: Iterable<HTMLElement>): void {
  const fragment = document.createDocumentFragment();
  for (const item of items) fragment.append(item);
  list.replaceChildren(fragment);
}

export function createRecordingSource(container: HTMLElement): RecordingSource {
  const list = element("ol", { class: "source-lines", "aria-label": "The recording's snippet, read-only" });
  container.append(list);
  /** The last version asked for: an earlier, slower colouring must not replace it. */
  let shown = 0;
  /** A long source's lines, of which only those in view are laid out. */
  let long: string[] | undefined;
  let revealed: number | undefined;
  let drawing = false;

  /** Lays out the lines of a long source around the ones in view; the list's padding stands for the rest. */
  function drawWindow(): void {
    drawing = false;
    if (!long) return;
    const first = Math.max(0, Math.floor(container.scrollTop / lineHeight) - windowLines / 4);
    const last = Math.min(long.length, first + windowLines);
    list.start = first + 1;
    list.style.paddingTop = `${8 + first * lineHeight}px`;
    list.style.paddingBottom = `${8 + (long.length - last) * lineHeight}px`;
    replaceAll(
      list,
      long.slice(first, last).map((line, i) => {
        const item = lineItem(line);
        if (revealed === first + i + 1) item.classList.add("revealed");
        return item;
      }),
    );
  }
  container.addEventListener("scroll", () => {
    if (!long || drawing) return;
    drawing = true;
    requestAnimationFrame(drawWindow);
  });

  function plain(source: string): void {
    const lines = source.split(/\r?\n/);
    revealed = undefined;
    if (lines.length > maxListedLines) {
      long = lines;
      drawWindow();
      return;
    }
    long = undefined;
    list.removeAttribute("start");
    list.style.paddingTop = "";
    list.style.paddingBottom = "";
    replaceAll(list, lines.map(lineItem));
  }

  return {
    async show(version: VersionSource | undefined): Promise<void> {
      const request = ++shown;
      list.dataset.version = version === undefined ? "" : String(version.version);
      if (version === undefined) {
        long = undefined;
        list.replaceChildren(
          element(
            "li",
            { class: "source-missing" },
            "This timeline carries no source (a trace --json file, or a version the playground no longer had): only its events are shown.",
          ),
        );
        return;
      }
      // A file's final line end starts no line of its own.
      const text = version.source.endsWith("\n") ? version.source.slice(0, -1) : version.source;
      plain(text);
      if (long || list.childElementCount > maxColouredLines) return;
      let html: string;
      try {
        const monaco = await loadMonaco();
        html = await monaco.editor.colorize(text, "typescript", { tabSize: 2 });
      } catch (error) {
        // The plain text is already shown: colours are a nicety, and their absence is said once here.
        console.warn("the recording's source could not be coloured", error);
        return;
      }
      if (request !== shown) return;
      // Monaco's colorize escapes the source and ends each line with <br/>.
      const lines = html.replace(/^<div[^>]*>|<\/div>$/g, "").split("<br/>");
      if (lines.at(-1) === "") lines.pop();
      replaceAll(
        list,
        lines.map((line) => {
          const item = element("li");
          // Monaco writes spaces as no-break spaces; the list keeps spaces itself (white-space: pre), and a copy stays
          // the source. Hidden characters are written out as in plain text (they are never part of Monaco's markup).
          item.innerHTML = line
            .replace(/&nbsp;|&#160;|\u00a0/g, " ")
            .replace(hidden, (character) =>
              character === "\t" ? character : `<span class="esc">${escapeCharacter(character)}</span>`,
            );
          return item;
        }),
      );
    },
    revealLine(line: number): void {
      if (long) {
        revealed = line;
        container.scrollTop = (line - 1) * lineHeight - container.clientHeight / 2;
        drawWindow();
        return;
      }
      const item = list.children[line - 1];
      if (!(item instanceof HTMLElement)) return;
      for (const marked of list.querySelectorAll(".revealed")) marked.classList.remove("revealed");
      item.classList.add("revealed");
      item.scrollIntoView({ block: "center" });
    },
  };
}
