/**
 * Every event as a row of an HTML table (time, lane, side, kind, detail), filterable by lane,
 * side, kind and text, with its selection synced to the timeline. Only the rows in view exist in
 * the DOM, so a hundred thousand events scroll as easily as ten.
 */

import {
  describeEvent,
  escapeInvisible,
  formatCount,
  type Side,
  type TimelineEvent,
  visibleText,
} from "../contract/index.ts";
import { element, setText } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import { createTableScroll, type TableScroll } from "./table-scroll.ts";

export interface EventsTableOptions {
  onSelect: (event: TimelineEvent | undefined) => void;
}

const rowHeight = 22;
const overscan = 10;
/**
 * Rows streaming in are drawn at most this often: faster than that nobody can read them. A row
 * after a quiet spell is drawn at once, so a lone event (a load, one chunk) shows in the table as
 * it shows on the timeline.
 */
const streamingRenderMs = 100;

interface Filter {
  lane: number | undefined;
  side: Side | undefined;
  kind: string | undefined;
  text: string;
}

function labelled(label: string, control: HTMLElement): HTMLLabelElement {
  const wrapper = element("label", { class: "filter" });
  wrapper.append(element("span", {}, label), control);
  return wrapper;
}

/** The events table: the store's events as rows, filtered, with the selection shared with the timeline. */
export interface EventsTable {
  /** Selects an event chosen elsewhere (the timeline) without echoing it back. */
  select(event: TimelineEvent | undefined): void;
  /** Shows only one lane (or all, with undefined). */
  showLane(lane: number | undefined): void;
}

/** The most of an event's description a row holds (its tooltip included). */
const maxRowDetail = 2_000;

/** The kinds only an event stream's lane has: a lane with one of them, shown alone, gets SSE's own columns. */
const sseKinds: ReadonlySet<string> = new Set(["sse", "sse-no-event", "sse-comment", "reconnect"]);

const plainColumns = ["Time (ms)", "Lane", "Side", "Kind", "Detail"];
/** An SSE lane's columns: each event's type and id apart, its data in the last column. */
const sseColumns = ["Time (ms)", "Lane", "Side", "Kind", "Event", "ID", "Data"];

/** An SSE row's own cells: the event's type, its id (or the Last-Event-ID it carries), and its data. */
function sseCells(event: TimelineEvent, detail: string): [string, string, string, string] {
  switch (event.kind) {
    case "sse":
      // An id the block did not set itself is the one the stream last set: the Last-Event-ID a reconnect sends.
      // Written out as the rest of the table is: what cannot be seen is escaped.
      return [
        escapeInvisible(event.event),
        escapeInvisible(event.id ?? event.lastEventId),
        event.id === undefined && event.lastEventId ? "Last-Event-ID" : "",
        visibleText(event.data, maxRowDetail),
      ];
    case "reconnect":
      return ["", escapeInvisible(event.lastEventId ?? ""), "Last-Event-ID sent", detail];
    case "sse-no-event":
      return ["", escapeInvisible(event.lastEventId), "Last-Event-ID", detail];
    default:
      return ["", "", "", detail];
  }
}

export function createEventsTable(container: HTMLElement, store: EventStore, options: EventsTableOptions): EventsTable {
  const filter: Filter = { lane: undefined, side: undefined, kind: undefined, text: "" };
  /** Indices into store.events of the rows that pass the filter. */
  let rows: number[] = [];
  let selected: TimelineEvent | undefined;
  let stickToBottom = true;
  /** Events handed to the table so far (the store may already hold more, not yet announced). */
  let seen = 0;
  const lanesSeen = new Set<number>();
  const outsideLanes = new Set<number>();
  const kindsSeen = new Set<string>();

  const laneSelect = element("select", { "aria-label": "Filter by lane" });
  const sideSelect = element("select", { "aria-label": "Filter by side" });
  const kindSelect = element("select", { "aria-label": "Filter by kind" });
  const textInput = element("input", { type: "search", placeholder: "text", "aria-label": "Filter by text" });
  const count = element("span", { class: "row-count", "aria-live": "polite" });
  for (const [value, text] of [
    ["", "all sides"],
    ["runner", "runner"],
    ["server", "server"],
    ["client", "client"],
  ] as const) {
    sideSelect.append(element("option", { value }, text));
  }
  laneSelect.append(element("option", { value: "" }, "all lanes"));
  kindSelect.append(element("option", { value: "" }, "all kinds"));
  const filters = element("div", { class: "table-filters" });
  filters.append(
    labelled("Lane", laneSelect),
    labelled("Side", sideSelect),
    labelled("Kind", kindSelect),
    labelled("Find", textInput),
    count,
  );

  const scroller = element("div", {
    class: "table-scroller",
    tabindex: "0",
    "aria-label": "Events, use arrow keys to move the selection",
  });
  const table = element("table", { class: "events-table", role: "table", "aria-label": "Events" });
  const head = element("thead");
  const headRow = element("tr");
  head.append(headRow);
  /** Whether the rows are one event stream's, shown with SSE's columns. */
  let sseView: boolean | undefined;
  /** Lanes that carried an event stream. */
  const sseLanes = new Set<number>();

  function setColumns(sse: boolean): void {
    if (sse === sseView) return;
    sseView = sse;
    drawn = "";
    table.classList.toggle("sse-view", sse);
    headRow.replaceChildren(
      ...(sse ? sseColumns : plainColumns).map((title) => element("th", { scope: "col" }, title)),
    );
  }
  const body = element("tbody");
  table.append(head, body);
  scroller.append(table);
  container.append(filters, scroller);

  function matches(event: TimelineEvent): boolean {
    if (filter.lane !== undefined && event.lane !== filter.lane) return false;
    if (filter.side !== undefined && event.side !== filter.side) return false;
    if (filter.kind !== undefined && event.kind !== filter.kind) return false;
    if (filter.text && !rowText(event).toLowerCase().includes(filter.text)) return false;
    return true;
  }

  function laneOption(lane: number): HTMLOptionElement {
    const name = lane === 0 ? "runner (0)" : `${outsideLanes.has(lane) ? "outside" : "client"} ${lane}`;
    return element("option", { value: String(lane) }, name);
  }

  /** The lane and kind menus: what has arrived, and always the filter in force, shown chosen. */
  function fillMenus(): void {
    const lanes = new Set(lanesSeen);
    if (filter.lane !== undefined) lanes.add(filter.lane);
    laneSelect.replaceChildren(
      element("option", { value: "" }, "all lanes"),
      ...[...lanes].sort((a, b) => a - b).map(laneOption),
    );
    laneSelect.value = filter.lane === undefined ? "" : String(filter.lane);
    const kinds = new Set(kindsSeen);
    if (filter.kind !== undefined) kinds.add(filter.kind);
    kindSelect.replaceChildren(
      element("option", { value: "" }, "all kinds"),
      ...[...kinds].sort().map((kind) => element("option", { value: kind }, kind)),
    );
    kindSelect.value = filter.kind ?? "";
  }

  function noteOptions(event: TimelineEvent): void {
    // A client from outside the playground opens its lane: it is named as one.
    if (event.kind === "open" && event.outside !== undefined) outsideLanes.add(event.lane);
    if (lanesSeen.has(event.lane) && kindsSeen.has(event.kind)) return;
    lanesSeen.add(event.lane);
    kindsSeen.add(event.kind);
    fillMenus();
  }

  const timeOf = (index: number) => store.events[index]!.t;

  function inTimeOrder(indexes: readonly number[]): boolean {
    const events = store.events;
    let previous = -Infinity;
    for (const index of indexes) {
      const t = events[index]!.t;
      if (t < previous) return false;
      previous = t;
    }
    return true;
  }

  /**
   * Adds new rows in time order. Events from the runner and from the clients arrive in separate
   * batches, so new ones interleave with the last rows: sort the new ones, find where the earliest
   * belongs, and merge from there (not one walk back per row, which is quadratic in a flood).
   */
  function insertRows(added: number[]): void {
    if (added.length === 0) return;
    // A batch is usually in time order already (a recording's always is), and only one that is not
    // is sorted: for a recording's 900,000 rows, sorting with the comparator took 34–90 ms in
    // Chromium, checking the order 5–14 ms.
    if (!inTimeOrder(added)) added.sort((a, b) => timeOf(a) - timeOf(b));
    const first = timeOf(added[0]!);
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (timeOf(rows[middle]!) <= first) low = middle + 1;
      else high = middle;
    }
    if (low === rows.length) {
      for (const index of added) rows.push(index);
      return;
    }
    const tail = rows.splice(low);
    let i = 0;
    let j = 0;
    while (i < tail.length || j < added.length) {
      if (j >= added.length || (i < tail.length && timeOf(tail[i]!) <= timeOf(added[j]!))) rows.push(tail[i++]!);
      else rows.push(added[j++]!);
    }
  }

  function refilter(): void {
    setColumns(filter.lane !== undefined && sseLanes.has(filter.lane));
    rows = [];
    const matching: number[] = [];
    store.events.forEach((event, index) => {
      if (index < seen && matches(event)) matching.push(index);
    });
    insertRows(matching);
    // A table that was showing the newest rows keeps showing them under the new filter.
    render();
  }

  /** Every column of an event's row as one text, for Find: time, lane, side, kind and detail. */
  function rowText(event: TimelineEvent): string {
    const lane = event.lane === 0 ? "–" : String(event.lane);
    return `${(event.t - store.timelineStart).toFixed(3)} ${lane} ${event.side} ${event.kind} ${describeEvent(event).detail}`;
  }

  function rowFor(index: number): HTMLTableRowElement {
    const event = store.events[index]!;
    const described = describeEvent(event);
    const { colour } = described;
    // A row shows a line's worth; a 50 MB log line is read whole in the details panel.
    const detail =
      described.detail.length > maxRowDetail ? `${described.detail.slice(0, maxRowDetail)}…` : described.detail;
    const tr = element("tr", { "data-index": String(index), class: `side-${event.side} tone-${colour}` });
    if (event === selected) tr.setAttribute("aria-selected", "true");
    tr.append(
      element("td", { class: "num" }, (event.t - store.timelineStart).toFixed(3)),
      element("td", { class: "num" }, event.lane === 0 ? "–" : String(event.lane)),
      element("td", {}, event.side),
      element("td", { class: "kind" }, event.kind),
    );
    if (sseView) {
      const [type, id, idTitle, data] = sseCells(event, detail);
      tr.append(
        element("td", { class: "sse-event" }, type),
        element("td", { class: "sse-id", ...(idTitle ? { title: `${idTitle}: ${id}` } : {}) }, id),
        element("td", { class: "detail", title: data }, data.replace(/\n\s*/g, " · ")),
      );
    } else tr.append(element("td", { class: "detail", title: detail }, detail.replace(/\n\s*/g, " · ")));
    return tr;
  }

  // Scroll position and height are kept from events, never read while drawing: a read right after
  // the DOM changed would force the whole page's layout, every frame of a flood.
  let scrollTop = 0;
  let viewportHeight = 0;
  let renderTimer: ReturnType<typeof setTimeout> | undefined;
  /** When rows streaming in were last drawn (`performance.now()`); a scroll's or a resize's drawing does not count. */
  let streamedAt = Number.NEGATIVE_INFINITY;

  /** Where the scroll position puts `count` rows (a very long table scrolls a shorter height than its rows'). */
  const scrollFor = (count: number): TableScroll =>
    createTableScroll({
      rows: count,
      rowHeight,
      header: rowHeight,
      viewport: viewportHeight,
      oneForOne: viewportHeight + (overscan + 1) * rowHeight,
    });
  /**
   * How many rows the DOM is drawn for. A scroll event is judged against them, not against rows that
   * arrived since: the browser may deliver the event of the table's own scroll to the bottom after
   * the next batch, and the table must not take that for the user scrolling up.
   */
  let drawnRows = 0;

  function scheduleRender(): void {
    // The next task at the soonest, so that rows arriving in one batch are drawn together.
    renderTimer ??= setTimeout(
      () => {
        streamedAt = performance.now();
        render();
      },
      Math.max(0, streamedAt + streamingRenderMs - performance.now()),
    );
  }

  /** What the DOM shows now: drawn again only when it changes, so a row under the pointer stays the same element. */
  let drawn = "";
  /** Counts selections, so a new one is drawn. */
  let selections = 0;

  /** The spacers above and below the drawn rows, and the heights they were given. */
  const topSpacer = element("tr", { class: "spacer", "aria-hidden": "true" });
  const bottomSpacer = element("tr", { class: "spacer", "aria-hidden": "true" });
  let spacers = "";

  /** The rows in the DOM, top to bottom, and the event each shows. */
  let drawnIndexes: number[] = [];
  let drawnElements: HTMLTableRowElement[] = [];
  /** The selection and columns the drawn rows were made with: rows made with others are made again. */
  let drawnLook = "";

  /**
   * Puts the rows for `indexes` between the spacers. A table following its newest rows mostly
   * shows the same rows moved up: those stay the same elements, the ones scrolled past are removed
   * and the new ones added below, so the browser lays out and styles only what changed.
   */
  function drawRows(indexes: readonly number[]): void {
    const look = `${selections} ${sseView}`;
    const from = look === drawnLook && indexes.length > 0 ? drawnIndexes.indexOf(indexes[0]!) : -1;
    const keep = from === -1 ? 0 : drawnIndexes.length - from;
    let same = from !== -1 && keep <= indexes.length;
    for (let k = 0; same && k < keep; k++) same = drawnIndexes[from + k] === indexes[k];
    if (!same) {
      drawnElements = indexes.map(rowFor);
      body.replaceChildren(topSpacer, ...drawnElements, bottomSpacer);
    } else {
      for (const gone of drawnElements.slice(0, from)) gone.remove();
      const added = indexes.slice(keep).map(rowFor);
      bottomSpacer.before(...added);
      drawnElements = [...drawnElements.slice(from), ...added];
    }
    drawnIndexes = [...indexes];
    drawnLook = look;
  }

  function render(): void {
    clearTimeout(renderTimer);
    renderTimer = undefined;
    const scroll = scrollFor(rows.length);
    // Past the last row is nowhere to be: a filter that leaves fewer rows brings the view back to them.
    scrollTop = stickToBottom ? scroll.maxScrollTop : Math.min(scrollTop, scroll.maxScrollTop);
    const content = scroll.contentAt(scrollTop);
    const first = Math.max(0, Math.floor(content / rowHeight) - overscan);
    const visible = Math.ceil(viewportHeight / rowHeight) + overscan * 2;
    const last = Math.min(rows.length, first + visible);
    // The first drawn row goes where the content offset puts it in view; at full height that is its own place.
    const above = Math.max(0, Math.round(scrollTop - content + first * rowHeight));
    const below = Math.max(0, scroll.bodyHeight - above - (last - first) * rowHeight);
    if (`${above} ${below}` !== spacers) {
      spacers = `${above} ${below}`;
      topSpacer.style.height = `${above}px`;
      bottomSpacer.style.height = `${below}px`;
    }
    const showing = `${first} ${last} ${rows.length} ${rows[first]} ${rows[last - 1]} ${selections} ${sseView} ${seen}`;
    if (showing === drawn) {
      if (stickToBottom) scroller.scrollTop = scrollTop;
      return;
    }
    drawn = showing;
    drawnRows = rows.length;
    drawRows(rows.slice(first, last));
    if (stickToBottom) scroller.scrollTop = scrollTop;
    const events = (n: number) => `${formatCount(n)} event${n === 1 ? "" : "s"}`;
    setText(count, rows.length === seen ? events(rows.length) : `${formatCount(rows.length)} of ${events(seen)}`);
  }

  function scrollToRow(position: number): void {
    const scroll = scrollFor(rows.length);
    const content = scroll.contentAt(scrollTop);
    const top = position * rowHeight;
    if (top < content || top + rowHeight > content + viewportHeight - rowHeight) {
      scrollTop = scroll.scrollTopFor(Math.max(0, top - viewportHeight / 2));
      scroller.scrollTop = scrollTop;
    }
  }

  function select(event: TimelineEvent | undefined, notify: boolean): void {
    selected = event;
    selections++;
    if (event) {
      const index = store.events.indexOf(event);
      const position = rows.indexOf(index);
      if (position !== -1) {
        stickToBottom = false;
        scrollToRow(position);
      }
    }
    render();
    if (notify) options.onSelect(event);
  }

  laneSelect.addEventListener("change", () => {
    filter.lane = laneSelect.value === "" ? undefined : Number(laneSelect.value);
    refilter();
  });
  sideSelect.addEventListener("change", () => {
    filter.side = sideSelect.value === "" ? undefined : (sideSelect.value as Side);
    refilter();
  });
  kindSelect.addEventListener("change", () => {
    filter.kind = kindSelect.value || undefined;
    refilter();
  });
  textInput.addEventListener("input", () => {
    filter.text = textInput.value.trim().toLowerCase();
    refilter();
  });
  scroller.addEventListener("scroll", () => {
    scrollTop = scroller.scrollTop;
    // Its height as it is now: when the table grows (the lane chips above it go), the browser moves
    // a table at its end up with it, and may say so before the resize observer says it grew.
    viewportHeight = scroller.clientHeight;
    stickToBottom = scrollTop >= scrollFor(drawnRows).maxScrollTop - rowHeight;
    render();
  });
  // On the press, not the click: a click needs the press and the release on the same row, and rows
  // arriving in between (a live stream's next batch) redraw the table, which lost the click.
  body.addEventListener("pointerdown", (press) => {
    if (press.button !== 0) return;
    const row = (press.target as HTMLElement).closest("tr[data-index]");
    if (row) select(store.events[Number(row.getAttribute("data-index"))], true);
  });
  scroller.addEventListener("keydown", (key) => {
    if (key.key !== "ArrowDown" && key.key !== "ArrowUp") return;
    key.preventDefault();
    const current = selected ? rows.indexOf(store.events.indexOf(selected)) : -1;
    const next = Math.min(rows.length - 1, Math.max(0, current + (key.key === "ArrowDown" ? 1 : -1)));
    const index = rows[next];
    if (index !== undefined) select(store.events[index], true);
  });
  new ResizeObserver((entries) => {
    viewportHeight = entries.at(-1)?.contentRect.height ?? viewportHeight;
    render();
  }).observe(scroller);

  store.subscribe({
    appended(from) {
      const added: number[] = [];
      for (let index = from; index < store.events.length; index++) {
        const event = store.events[index]!;
        noteOptions(event);
        if (sseKinds.has(event.kind) && !sseLanes.has(event.lane)) {
          sseLanes.add(event.lane);
          // The lane shown turned out to be an event stream: its columns change under it.
          if (filter.lane === event.lane) setColumns(true);
        }
        if (matches(event)) added.push(index);
      }
      insertRows(added);
      seen = store.events.length;
      scheduleRender();
    },
    cleared(_start, why) {
      rows = [];
      seen = 0;
      drawn = "";
      // Trimmed, the store's indexes moved: the same index is another event now.
      drawnLook = "";
      selected = undefined;
      lanesSeen.clear();
      outsideLanes.clear();
      sseLanes.clear();
      kindsSeen.clear();
      if (why === "cleared") {
        // Lanes are numbered afresh after Clear, so a lane filter would pick some other client: the table shows all again.
        filter.lane = undefined;
        filter.kind = undefined;
        setColumns(false);
      }
      fillMenus();
      stickToBottom = true;
      render();
    },
  });
  setColumns(false);
  render();

  return {
    select: (event) => select(event, false),
    showLane(lane) {
      filter.lane = lane;
      fillMenus();
      refilter();
    },
  };
}
