/**
 * Running the editor's snippet: the page sends it to the host to load, and says in the status line
 * what serves now, or why a version did not load (with a marker in the editor at the failing line).
 */

import type { HostStatus, LoadOutcome, TimelineEvent } from "../contract/index.ts";
import type { SnippetEditor } from "./editor/create-editor.ts";
import type { HostConnection } from "./host-connection.ts";
import type { StatusLine } from "./status-line.ts";

export interface SnippetRunsOptions {
  connection: HostConnection;
  statusLine: StatusLine;
  /** The editor, once it has started. */
  editor: () => SnippetEditor | undefined;
  /** The open document's file, so the snippet's imports resolve from its own folder. */
  path: () => string | undefined;
  /** The timeline's events, whose errors and leaks the editor marks once a version loads. */
  events: () => readonly TimelineEvent[];
}

export interface SnippetRuns {
  /** Sends the editor's snippet to the host to load, and shows the outcome. */
  run(): Promise<void>;
  /** Shows a load's outcome, this page's or one the host pushed: the status line and the editor's marker. */
  showLoad(outcome: LoadOutcome): void;
  /** The host's status as last heard (with a version this page loaded since); undefined before the first. */
  status: HostStatus | undefined;
  /** The status line's sentence for what serves now: the version, when it loaded and how fast, and where. */
  describeServing(): string;
}

export function createSnippetRuns(options: SnippetRunsOptions): SnippetRuns {
  const { connection, statusLine } = options;
  let status: HostStatus | undefined;
  let lastLoad: { version: number; at: number; ms: number } | undefined;

  function describeServing(): string {
    if (!status) return "Connecting to the host…";
    if (status.serving === undefined) return `No snippet loaded · runner at ${status.runnerUrl}`;
    const loaded =
      lastLoad?.version === status.serving
        ? ` · loaded ${new Date(lastLoad.at).toLocaleTimeString()} in ${lastLoad.ms.toFixed(1)} ms`
        : "";
    return `v${status.serving} live${loaded} · ${status.runnerUrl}`;
  }

  function showLoad(event: LoadOutcome): void {
    const editor = options.editor();
    if (!editor) return;
    if (event.kind === "loaded") {
      lastLoad = { version: event.version, at: Date.now(), ms: event.loadMs };
      status = status && { ...status, serving: event.version };
      editor.clearLoadError();
      editor.noteEvents(options.events(), event.version);
      statusLine.say(describeServing() + (event.notices.length ? ` · ${event.notices.length} notice(s)` : ""), "ok");
    } else {
      editor.showLoadError(event);
      const where =
        event.line === undefined ? "" : ` at line ${event.line}${event.column === undefined ? "" : `:${event.column}`}`;
      const serving = event.serving === undefined ? "nothing is serving" : `v${event.serving} keeps serving`;
      statusLine.say(
        `v${event.version} did not load (${event.failure}${where}): ${event.message} — ${serving}`,
        "error",
      );
    }
  }

  return {
    async run() {
      const editor = options.editor();
      if (!editor) return;
      const source = editor.source;
      statusLine.say("Loading…");
      let event: LoadOutcome;
      try {
        event = await connection.request("load", { source, path: options.path() });
      } catch (error) {
        return statusLine.sayFailure(error);
      }
      showLoad(event);
    },
    showLoad,
    get status() {
      return status;
    },
    set status(next) {
      status = next;
    },
    describeServing,
  };
}
