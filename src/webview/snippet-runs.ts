/**
 * Running the editor's snippet: the page sends it to the host to load, and says in the status line
 * what serves now, or why a version did not load (with a marker in the editor at the failing line).
 */

import { countWithNoun, type HostStatus, type LoadOutcome, type TimelineEvent } from "../contract/index.ts";
import type { SnippetEditor } from "./editor/create-editor.ts";
import type { HostConnection } from "./host-connection.ts";
import type { StatusLine, StatusTone } from "./status-line.ts";

export interface SnippetRunsOptions {
  connection: HostConnection;
  statusLine: StatusLine;
  /** The editor, once it has started. */
  editor: () => SnippetEditor | undefined;
  /** The open document's file, so the snippet's imports resolve from its own folder. */
  path: () => string | undefined;
  /** The timeline's events, whose errors and leaks the editor marks once a version loads. */
  events: () => readonly TimelineEvent[];
  /** What versions before `serving` left running (`v1 left 2 things running`), if anything. */
  leftRunning?: ((serving: number) => string | undefined) | undefined;
}

export interface SnippetRuns {
  /** Sends the editor's snippet to the host to load, and shows the outcome. */
  run(): Promise<void>;
  /**
   * Shows a load's outcome, this page's or one the host pushed: the status line and the editor's
   * marker. A pushed load gives the text the host loaded, which the editor's text is then compared with.
   */
  showLoad(outcome: LoadOutcome, source?: string): void;
  /** The host's status as last heard (with a version this page loaded since); undefined before the first. */
  status: HostStatus | undefined;
  /**
   * The status line's sentence for what serves now: the version, when it loaded and how fast, and
   * where; and, when the editor's text is not what serves, that it is not (it did not load, or it
   * was edited since).
   */
  describeServing(): string;
  /** The tone for `describeServing`: an error while the editor's text is one that did not load. */
  servingTone(): StatusTone;
  /** The editor's text changed: the status line says so when that changes whether it is what serves. */
  edited(): void;
  /** Resolves once the host's status has been heard over the current connection. */
  statusHeard(): Promise<void>;
  /** The connection to the host was lost: the status heard over it may no longer hold. */
  connectionLost(): void;
}

export function createSnippetRuns(options: SnippetRunsOptions): SnippetRuns {
  const { connection, statusLine } = options;
  let status: HostStatus | undefined;
  let heard = Promise.withResolvers<void>();
  let lastLoad: { version: number; at: number; ms: number } | undefined;
  /** The editor's text as this page last sent it to load, and how that went. */
  let sent: { source: string; failed?: { version: number; where: string } | undefined } | undefined;
  /** What the status line last said of the editor's text: serving, failed, edited. */
  let editorState: ReturnType<typeof editorVersusServing> = "unknown";

  /** Whether the editor's text is what serves: it is, it did not load, it was edited since, or unknown. */
  function editorVersusServing(): "serving" | "failed" | "edited" | "unknown" {
    const source = options.editor()?.source;
    if (!sent || source === undefined) return "unknown";
    if (source !== sent.source) return "edited";
    return sent.failed ? "failed" : "serving";
  }

  function describeServing(): string {
    if (!status) return "Connecting to the host…";
    editorState = editorVersusServing();
    const failed = editorState === "failed" && sent?.failed ? sent.failed : undefined;
    const editor = failed
      ? ` · not the editor's code: v${failed.version} did not load${failed.where}`
      : editorState === "edited"
        ? " · edited since: Run (Ctrl+S) to load"
        : "";
    if (status.serving === undefined) return `No snippet loaded · runner at ${status.runnerUrl}${editor}`;
    const loaded =
      lastLoad?.version === status.serving && !failed
        ? ` · loaded ${new Date(lastLoad.at).toLocaleTimeString()} in ${lastLoad.ms.toFixed(1)} ms`
        : "";
    const left = options.leftRunning?.(status.serving);
    const offer = left === undefined ? "" : ` · ${left}: Restart server ends them`;
    return `v${status.serving} live${loaded}${editor}${offer} · ${status.runnerUrl}`;
  }

  function servingTone(): StatusTone {
    if (editorVersusServing() === "failed") return "error";
    return status?.serving === undefined ? "" : "ok";
  }

  function showLoad(event: LoadOutcome, source?: string): void {
    const editor = options.editor();
    if (!editor) return;
    if (source !== undefined) sent = { source };
    if (event.kind === "loaded") {
      if (sent) sent.failed = undefined;
      lastLoad = { version: event.version, at: Date.now(), ms: event.loadMs };
      status = status && { ...status, serving: event.version };
      editor.clearLoadError();
      editor.noteEvents(options.events(), event.version);
      statusLine.say(
        describeServing() + (event.notices.length ? ` · ${countWithNoun(event.notices.length, "notice")}` : ""),
        "ok",
      );
    } else {
      editor.showLoadError(event);
      const where =
        event.line === undefined ? "" : ` at line ${event.line}${event.column === undefined ? "" : `:${event.column}`}`;
      if (sent) sent.failed = { version: event.version, where };
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
      sent = { source };
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
      if (next) heard.resolve();
    },
    statusHeard: () => heard.promise,
    connectionLost() {
      heard = Promise.withResolvers();
    },
    describeServing,
    servingTone,
    edited() {
      // Said again only when it changes: typing on does not rewrite the status line every key.
      if (!status || editorVersusServing() === editorState) return;
      statusLine.say(describeServing(), servingTone());
    },
  };
}
