/**
 * The session's lanes: the host's clients, each on a lane of its own, and the lanes given to the
 * pages' own EventSources (whose requests reach the runner through the lane proxy). Lanes are
 * numbered from 1 again when the timeline is cleared; a client of the old timeline then adds
 * nothing to the new one.
 */

import {
  createLaneTap,
  createReadMemoryGuard,
  type LaneTap,
  type MessageChannel,
  type ReadingControl,
} from "../clients/index.ts";
import {
  type ClientRequest,
  type ConnectedLanes,
  type HostPushes,
  isOutsideUrl,
  type LiveClient,
  type TimelineEvent,
  type TypeOf,
} from "../contract/index.ts";
import { type LaneClient, openLaneClient } from "../supervisor/index.ts";
import type { PageConnection } from "./pages.ts";

export interface LaneRegistryOptions {
  /** The host's clock, in ms. */
  now: () => number;
  /** Records an event of a lane on the timeline. */
  record: (event: TimelineEvent) => void;
  /** Something the pages show of the lanes changed (a lane opened or ended, a slow client paused). */
  changed: () => void;
  /** Pushes to one page (a browser lane asks its page to listen for new event types). */
  pushTo: <K extends TypeOf<HostPushes>>(page: PageConnection, type: K, fields: HostPushes[K]) => void;
}

/** What a live browser lane's proxied requests need: the signal that ends them, and the tap that records them. */
export interface BrowserLaneAccess {
  signal: AbortSignal;
  tap: LaneTap;
}

export interface LaneRegistry {
  /**
   * Opens `request`'s clients, each on a new lane: the host's own clients against `runnerOrigin`
   * (or another server's URL), or lanes for `page`'s own EventSources, which it opens itself.
   */
  connect(page: PageConnection, request: ClientRequest, runnerOrigin: string): ConnectedLanes;
  /**
   * Disconnects the client on `lane` (every lane when undefined) and retires a browser lane, so its
   * EventSource cannot reconnect. `abortBrowserStreams` also cuts a browser lane's proxied streams:
   * only when the timeline is cleared or the session stops, since the page closes its own
   * EventSource and records how it ended.
   */
  disconnect(lane: number | undefined, abortBrowserStreams: boolean): void;
  /** Retires the lanes of a page that went away; true when it had any. */
  disconnectPage(page: PageConnection): boolean;
  /** The WebSocket on `lane`, or an error that says why there is none. */
  socketOn(lane: number): MessageChannel;
  /** Pausing and resuming the slow client on `lane`, or an error that says why it cannot be. */
  readingOn(lane: number): ReadingControl;
  /** A browser lane's page now listens for these event types. */
  browserListening(lane: number, types: readonly string[]): void;
  /** What the lane proxy needs for a live browser lane. */
  browserLane(lane: number): BrowserLaneAccess | undefined;
  /** Every open lane, as the pages show it, in lane order. */
  clients(): LiveClient[];
  /** A lane for a client the host does not drive: a connection from outside the playground. */
  reserveLane(): number;
  /** Disconnects every client, cuts the browser lanes' streams, and numbers lanes from 1 again. */
  clear(): void;
}

/** A client the session opened on a lane, with what the pages are shown of it. */
interface HostLane {
  opened: LaneClient;
  client: LiveClient;
}

/** A lane given to a page's own EventSource: the page that owns it, and what ends its proxied streams. */
interface BrowserLane {
  page: PageConnection;
  client: LiveClient;
  controller: AbortController;
  /** What the host sees of the lane's requests: everything but the events the page reports. */
  tap: LaneTap;
}

function liveClient(lane: number, request: ClientRequest): LiveClient {
  return {
    lane,
    client: request.client,
    method: request.method,
    path: request.path,
    ...(request.slow ? { slow: request.slow, paused: false } : {}),
  };
}

export function createLaneRegistry(options: LaneRegistryOptions): LaneRegistry {
  const { now, record, changed } = options;
  const hostLanes = new Map<number, HostLane>();
  /** Lanes given to the pages' own EventSource clients; aborting one ends its proxied streams. */
  const browserLanes = new Map<number, BrowserLane>();
  /** One for all the host's clients: what they read together is what the host holds. */
  const readGuard = createReadMemoryGuard();
  /** Bumped by `clear`, so a client of the old timeline cannot add to the new one. */
  let generation = 0;
  let nextLane = 1;

  function allocateLanes(count: number): number[] {
    const lanes = Array.from({ length: count }, (_, i) => nextLane + i);
    nextLane += count;
    return lanes;
  }

  function openHostLane(lane: number, request: ClientRequest, url: string): void {
    const ownGeneration = generation;
    /** Set once the client is open; a reading event comes from a timer, never while it opens. */
    let entry: HostLane | undefined;
    const { path, ...settings } = request;
    const opened = openLaneClient({
      lane,
      url,
      request: settings,
      external: isOutsideUrl(path),
      now,
      readGuard,
      emit: (event) => {
        if (generation !== ownGeneration) return;
        record(event);
        // A stall pauses and resumes on its own: the lane's chip shows which it is.
        if (event.kind === "reading" && entry !== undefined && hostLanes.get(lane) === entry) {
          entry.client = { ...entry.client, paused: event.state === "paused" };
          changed();
        }
      },
    });
    const own: HostLane = { opened, client: liveClient(lane, request) };
    entry = own;
    hostLanes.set(lane, own);
    void opened.done.then(() => {
      if (hostLanes.get(lane) !== own) return;
      hostLanes.delete(lane);
      // The lane's chip goes when its client has ended, on every page.
      changed();
    });
  }

  /** Records a page's EventSource from the lane proxy; the page is asked to listen for each new event type. */
  function tapLane(page: PageConnection, lane: number): LaneTap {
    const ownGeneration = generation;
    return createLaneTap({
      lane,
      now,
      emit: (event) => {
        if (generation === ownGeneration) record(event);
      },
      askToListen: (types) => options.pushTo(page, "browser-listen", { lane, types }),
    });
  }

  function disconnectLane(lane: number, abortBrowserStreams: boolean): void {
    const entry = hostLanes.get(lane);
    if (entry) {
      entry.opened.disconnect();
      hostLanes.delete(lane);
    }
    const browser = browserLanes.get(lane);
    if (browser) {
      if (abortBrowserStreams) browser.controller.abort();
      browserLanes.delete(lane);
    }
  }

  function disconnectAll(abortBrowserStreams: boolean): void {
    for (const lane of new Set([...hostLanes.keys(), ...browserLanes.keys()]))
      disconnectLane(lane, abortBrowserStreams);
  }

  function hostLane(lane: number): HostLane {
    const entry = hostLanes.get(lane);
    if (!entry) throw new Error(`lane ${lane} has no open client`);
    return entry;
  }

  return {
    connect(page, request, runnerOrigin) {
      const lanes = allocateLanes(request.clients);
      if (request.client === "browser") {
        for (const lane of lanes)
          browserLanes.set(lane, {
            page,
            client: liveClient(lane, request),
            controller: new AbortController(),
            tap: tapLane(page, lane),
          });
        return { lanes: lanes.map((lane) => ({ lane, url: `/lane/${lane}${request.path}` })) };
      }
      // Joined as text: `new URL("//elsewhere/", base)` would leave the runner.
      const url = isOutsideUrl(request.path) ? request.path : runnerOrigin + request.path;
      for (const lane of lanes) openHostLane(lane, request, url);
      return { lanes: lanes.map((lane) => ({ lane, url })) };
    },

    disconnect(lane, abortBrowserStreams) {
      if (lane === undefined) disconnectAll(abortBrowserStreams);
      else disconnectLane(lane, abortBrowserStreams);
    },

    disconnectPage(page) {
      // The page's own EventSources went with it.
      const owned = [...browserLanes].filter(([, entry]) => entry.page === page).map(([lane]) => lane);
      for (const lane of owned) disconnectLane(lane, true);
      return owned.length > 0;
    },

    socketOn(lane) {
      const entry = hostLane(lane);
      if (!entry.opened.client.messages)
        throw new Error(`lane ${lane} is a ${entry.client.client} client, not a WebSocket`);
      return entry.opened.client.messages;
    },

    readingOn(lane) {
      const reading = hostLane(lane).opened.client.reading;
      if (!reading)
        throw new Error(
          `lane ${lane}'s client reads at full speed: only a slow client can be paused (open one with slow-client settings)`,
        );
      return reading;
    },

    browserListening(lane, types) {
      browserLanes.get(lane)?.tap.listening(types);
    },

    browserLane(lane) {
      const entry = browserLanes.get(lane);
      return entry && { signal: entry.controller.signal, tap: entry.tap };
    },

    clients() {
      return [
        ...[...hostLanes.values()].map((entry) => entry.client),
        ...[...browserLanes.values()].map((entry) => entry.client),
      ].sort((a, b) => a.lane - b.lane);
    },

    reserveLane() {
      return allocateLanes(1)[0]!;
    },

    clear() {
      generation++;
      disconnectAll(true);
      nextLane = 1;
    },
  };
}
