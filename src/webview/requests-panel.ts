/**
 * The Requests tab: one row per lane (its status, method and path, time to the first byte,
 * duration, bytes received and how it ended), read by the request log from the store's events.
 * Choosing a row selects its lane: the page frames it on the timeline.
 */

import { formatCount } from "../contract/index.ts";
import { element, setText } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { createRequestLog, type RequestLog, requestCells } from "./request-log.ts";

export interface RequestsPanelOptions {
  /** The tab that shows the panel: it counts the requests. */
  tab: HTMLButtonElement;
  /** The host's clock, for a live request's duration so far; undefined where there is no "now" (a recording). */
  now: () => number | undefined;
  /** A row was chosen (a click, Enter or Space): its lane. */
  onSelect: (lane: number) => void;
}

export interface RequestsPanel {
  /** The rows as the request log reads them: what the timeline frames. */
  readonly log: RequestLog;
  /** Marks a lane's row as the selected one (undefined: none). */
  select(lane: number | undefined): void;
  /** The tab was chosen: draws what changed while it was hidden. */
  show(): void;
}

/** A live request's duration moves on its own: redrawn this often while one is open and the tab shown. */
const liveRedrawMs = 500;

const columns = [
  ["lane", "#"],
  ["status", "Status"],
  ["request", "Request"],
  ["first-byte", "First byte"],
  ["duration", "Duration"],
  ["received", "Received"],
  ["ending", "Ended"],
] as const;

export function createRequestsPanel(
  container: HTMLElement,
  store: EventStore,
  options: RequestsPanelOptions,
): RequestsPanel {
  const log = createRequestLog();
  let selected: number | undefined;
  let drawn = -1;
  const count = element("span", { class: "tab-count", "aria-label": "requests" });
  options.tab.append(count);

  const table = element("table", { class: "requests-table", "aria-label": "Requests, one per client lane" });
  const head = element("tr");
  for (const [key, title] of columns) head.append(element("th", { scope: "col", class: key }, title));
  const thead = element("thead");
  thead.append(head);
  const body = element("tbody");
  table.append(thead, body);
  const empty = element(
    "p",
    { class: "requests-empty" },
    "No requests yet. Connect a client: each one's request is listed here, with what came back and how it ended.",
  );
  container.append(empty, table);

  function draw(): void {
    setText(count, log.rows.length === 0 ? "" : String(log.rows.length));
    if (container.hidden) return;
    drawn = log.revision;
    empty.hidden = log.rows.length > 0;
    table.hidden = log.rows.length === 0;
    const now = options.now();
    body.replaceChildren(
      ...log.rows.map((row) => {
        const cells = requestCells(row, now);
        const tr = element("tr", {
          "data-lane": String(row.lane),
          tabindex: "0",
          "aria-selected": String(row.lane === selected),
          title: "Show this request on the timeline, and its events",
        });
        tr.append(
          element("td", { class: "lane" }, cells.lane),
          element("td", { class: `status ${statusClass(row.status)}` }, cells.status),
          element("td", { class: "request", title: cells.request }, cells.request),
          element("td", { class: "first-byte", title: "From the request to the response's head" }, cells.firstByte),
          element("td", { class: "duration" }, cells.duration),
          element("td", { class: "received", title: `${formatCount(row.bytes)} bytes` }, cells.received),
          element("td", { class: `ending tone-${cells.tone}`, title: cells.title || cells.ending }, cells.ending),
        );
        return tr;
      }),
    );
  }

  function choose(row: Element | null): void {
    const lane = Number(row?.getAttribute("data-lane"));
    if (!Number.isInteger(lane) || lane <= 0) return;
    select(lane);
    options.onSelect(lane);
  }

  function select(lane: number | undefined): void {
    selected = lane;
    for (const tr of body.rows) tr.setAttribute("aria-selected", String(tr.dataset.lane === String(lane)));
  }

  body.addEventListener("click", (event) => {
    if (event.target instanceof Element) choose(event.target.closest("tr"));
  });
  body.addEventListener("keydown", (event) => {
    const row = event.target instanceof HTMLTableRowElement ? event.target : undefined;
    if (row === undefined) return;
    if (event.key === "Enter" || event.key === " ") choose(row);
    else if (event.key === "ArrowDown") (row.nextElementSibling as HTMLElement | null)?.focus();
    else if (event.key === "ArrowUp") (row.previousElementSibling as HTMLElement | null)?.focus();
    else return;
    event.preventDefault();
  });

  store.subscribe({
    appended(from) {
      log.append(store.events.slice(from));
      draw();
    },
    cleared(_start, why) {
      // Trimmed, the store announces what it kept again as new: the rows are read again from it.
      log.clear();
      if (why === "cleared") selected = undefined;
      draw();
    },
  });
  setInterval(() => {
    if (!container.hidden && log.rows.some((row) => row.endedAt === undefined)) draw();
  }, liveRedrawMs);
  draw();

  return {
    log,
    select,
    show() {
      if (drawn !== log.revision || log.rows.some((row) => row.endedAt === undefined)) draw();
    },
  };
}

function statusClass(status: number | undefined): string {
  if (status === undefined) return "status-none";
  if (status >= 400) return "status-error";
  if (status >= 300 && status !== 304 && status !== 101) return "status-redirect";
  return "status-ok";
}
