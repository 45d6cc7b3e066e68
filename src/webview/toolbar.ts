/**
 * The toolbar's own buttons and menus: Run, Clear, and Examples, which opens a lesson's snippet
 * and shows the lesson beside the editor. (The File menu belongs to the documents, Export to the
 * export menu, the theme and auto-run to the page settings.)
 */

import type { HostConnection } from "./host-connection.ts";
import { type HostStatus, errorMessage } from "../contract/index.ts";
import { byId, element } from "./dom.ts";
import { loadExamples, type Example } from "./examples-menu.ts";
import type { StatusLine } from "./status-line.ts";

export interface ToolbarOptions {
  connection: HostConnection;
  statusLine: StatusLine;
  /** Runs the editor's snippet. */
  run: () => void;
  /** The host cleared the timeline at this page's request. */
  onCleared: (status: HostStatus) => void;
  /** True once the editor has started; examples open only then. */
  editorStarted: () => boolean;
  /** An example was picked: open its snippet and set the client controls to its request. */
  openExample: (example: Example) => void;
}

export interface Toolbar {
  /** Resolves once the Examples menu lists the host's examples, or says in its tooltip why it cannot. */
  readonly examplesListed: Promise<void>;
}

export function createToolbar(options: ToolbarOptions): Toolbar {
  const { connection, statusLine } = options;
  byId("run", HTMLButtonElement).addEventListener("click", () => options.run());
  byId("clear", HTMLButtonElement).addEventListener("click", () => {
    connection.request("clear", {}).then((reply) => options.onCleared(reply.status), statusLine.sayFailure);
  });

  async function listExamples(): Promise<void> {
    const select = byId("examples", HTMLSelectElement);
    let examples: Example[];
    try {
      examples = await loadExamples();
    } catch (error) {
      select.title = `examples unavailable: ${errorMessage(error)}`;
      return;
    }
    for (const example of examples) select.append(element("option", { value: example.id }, example.title));
    select.addEventListener("change", () => {
      const example = examples.find((e) => e.id === select.value);
      select.value = "";
      if (!example || !options.editorStarted()) return;
      options.openExample(example);
      const lesson = byId("lesson", HTMLElement);
      lesson.hidden = example.lessonHtml === "";
      lesson.innerHTML = example.lessonHtml;
    });
  }

  return { examplesListed: listExamples() };
}
