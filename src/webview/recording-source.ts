/**
 * A recording's snippet, read-only, in place of the editor: each version it ran, coloured by
 * Monaco's tokenizer (no model, so nothing of it reaches the TypeScript worker checking the user's
 * own snippet), with line numbers the console's line links can jump to.
 */

import type { VersionSource } from "../contract/index.ts";
import { element } from "./dom.ts";
import { loadMonaco } from "./editor/monaco-loader.ts";

export interface RecordingSource {
  /** Shows one version's source; plain text first, coloured once Monaco has it. */
  show(version: VersionSource | undefined): Promise<void>;
  /** Scrolls a line into view and marks it (a console line's link). */
  revealLine(line: number): void;
}

export function createRecordingSource(container: HTMLElement): RecordingSource {
  const list = element("ol", { class: "source-lines", "aria-label": "The recording's snippet, read-only" });
  container.append(list);
  /** The last version asked for: an earlier, slower colouring must not replace it. */
  let shown = 0;

  function plain(source: string): void {
    list.replaceChildren(...source.split("\n").map((line) => element("li", {}, line)));
  }

  return {
    async show(version: VersionSource | undefined): Promise<void> {
      const request = ++shown;
      list.dataset.version = version === undefined ? "" : String(version.version);
      if (version === undefined) {
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
      list.replaceChildren(
        ...lines.map((line) => {
          const item = element("li");
          // Monaco writes spaces as no-break spaces; the list keeps spaces itself (white-space: pre), and a copy stays
          // the source.
          item.innerHTML = line.replace(/&nbsp;|&#160;|\u00a0/g, " ");
          return item;
        }),
      );
    },
    revealLine(line: number): void {
      const item = list.children[line - 1];
      if (!(item instanceof HTMLElement)) return;
      for (const marked of list.querySelectorAll(".revealed")) marked.classList.remove("revealed");
      item.classList.add("revealed");
      item.scrollIntoView({ block: "center" });
    },
  };
}
