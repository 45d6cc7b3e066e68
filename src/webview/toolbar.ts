/**
 * The toolbar's own buttons and menus: Run, Clear, and Examples, which opens a lesson's snippet
 * and shows the lesson beside the editor. (The File menu belongs to the documents, Export to the
 * export menu, the theme and auto-run to the page settings.)
 */

import type { HostConnection } from "./host-connection.ts";
import { type HostStatus, errorMessage, lessonGroupOf } from "../contract/index.ts";
import { byId, element } from "./dom.ts";
import { loadExamples, type Example } from "./examples-menu.ts";
import type { StatusLine } from "./status-line.ts";

export interface ToolbarOptions {
  connection: HostConnection;
  statusLine: StatusLine;
  /** Runs the editor's snippet. */
  run: () => void;
  /** What serves now, as the status line says it (`v3 live · … · http://127.0.0.1:…`). */
  describeServing: () => string;
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
  /** Another document than the lesson's is open now: the menu marks no lesson as open. */
  leftLesson(): void;
  /**
   * Offers Restart server for what older versions left running (`v1 left 2 things running`), or
   * withdraws the offer (undefined).
   */
  offerRestart(leftRunning: string | undefined): void;
}

/** `7. Cleanup when the client leaves`: the lesson's number (from its file name) and its title. */
function lessonLabel(example: Example, open: boolean): string {
  const number = /^(\d+)-/.exec(example.id)?.[1];
  return `${number === undefined ? "" : `${Number(number)}. `}${example.title}${open ? " (open)" : ""}`;
}

export function createToolbar(options: ToolbarOptions): Toolbar {
  const { connection, statusLine } = options;
  byId("run", HTMLButtonElement).addEventListener("click", () => options.run());
  const restart = byId("restart-server", HTMLButtonElement);
  const restartTitle = restart.title;
  restart.addEventListener("click", () => {
    restart.disabled = true;
    statusLine.say("Restarting the server…");
    connection
      .request("restart-runner", {})
      .then(
        () =>
          statusLine.say(
            `Restarted the server: what the snippet left running has ended · ${options.describeServing()}`,
            "ok",
          ),
        statusLine.sayFailure,
      )
      .finally(() => {
        restart.disabled = false;
      });
  });
  byId("clear", HTMLButtonElement).addEventListener("click", () => {
    connection.request("clear", {}).then((reply) => options.onCleared(reply.status), statusLine.sayFailure);
  });

  const select = byId("examples", HTMLSelectElement);
  let examples: Example[] = [];
  /** The lesson whose snippet is open, marked in the menu. */
  let openLesson: string | undefined;

  function label(): void {
    for (const option of select.options) {
      const example = examples.find((e) => e.id === option.value);
      if (example) option.textContent = lessonLabel(example, example.id === openLesson);
    }
  }

  async function listExamples(): Promise<void> {
    try {
      examples = await loadExamples();
    } catch (error) {
      select.title = `examples unavailable: ${errorMessage(error)}`;
      return;
    }
    // Grouped as the course is: how streams work, LLM and agent streams, surprises in production.
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const example of examples) {
      const number = Number(/^(\d+)-/.exec(example.id)?.[1] ?? 0);
      const title = lessonGroupOf(number);
      let group = groups.get(title);
      if (!group) {
        group = element("optgroup", { label: title });
        groups.set(title, group);
        select.append(group);
      }
      group.append(element("option", { value: example.id }, lessonLabel(example, false)));
    }
    select.addEventListener("change", () => {
      const example = examples.find((e) => e.id === select.value);
      select.value = "";
      if (!example || !options.editorStarted()) return;
      options.openExample(example);
      openLesson = example.id;
      label();
      const lesson = byId("lesson", HTMLElement);
      lesson.hidden = example.lessonHtml === "";
      lesson.innerHTML = example.lessonHtml;
    });
  }

  return {
    examplesListed: listExamples(),
    leftLesson() {
      openLesson = undefined;
      label();
    },
    offerRestart(leftRunning) {
      restart.classList.toggle("offer", leftRunning !== undefined);
      restart.title = leftRunning === undefined ? restartTitle : `${leftRunning}: restart the server to end them`;
    },
  };
}
