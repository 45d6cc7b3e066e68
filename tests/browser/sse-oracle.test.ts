/**
 * Chromium's own `EventSource` is the oracle. Over the same byte streams, cut at awkward places
 * (tests/fixtures/sse-streams.ts), the playground's clients must dispatch what it dispatches, event
 * by event (type, data, `lastEventId`), send the `Last-Event-ID` it sends on every reconnect, and
 * wait as long as it waits before reconnecting:
 * - the host's `eventsource` probe, reading from the same server as the oracle;
 * - the page's own browser client, running in the playground page, reading the same bytes from a
 *   snippet through the host's lane proxy; what the timeline records for its lane is compared.
 */

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TimelineEvent } from "../../src/contract/index.ts";
import { startHost, type Host } from "../../src/main/host-server.ts";
import { openClient } from "../../src/clients/index.ts";
import { sseStreamCases, type SseStreamCase } from "../fixtures/sse-streams.ts";
import { openPage } from "../support/page-socket.ts";
import { launchChromium } from "./chromium.ts";

/** What a page's `MessageEvent` says: the three things compared, event by event. */
interface Dispatched {
  type: string;
  data: string;
  lastEventId: string;
}

/**
 * What each client did on its reconnects: the `Last-Event-ID` of every request after the first (null when none), and
 * the wait before each.
 */
interface Reconnects {
  lastEventIds: (string | null)[];
  delaysMs: number[];
}

/** Chunks are written this far apart, so each reaches the client as a read of its own. */
const chunkGapMs = 15;
/** Chunks for a snippet: base64 of each, by case, by connection. */
const casesAsBase64 = Object.fromEntries(
  sseStreamCases.map((c) => [
    c.name,
    c.connections.map((chunks) => chunks.map((bytes) => Buffer.from(bytes).toString("base64"))),
  ]),
);

/** The same streams, served by a snippet for the page's browser client. */
const streamsSnippet = `const cases: Record<string, string[][]> = ${JSON.stringify(casesAsBase64)};
const served = new Map<string, number>();
const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
export default (req: Request) => {
  const name = new URL(req.url).pathname.slice(1);
  const connections = cases[name];
  if (!connections) return new Response("no such stream\\n", { status: 404 });
  const index = served.get(name) ?? 0;
  served.set(name, index + 1);
  const chunks = connections[index];
  if (!chunks) return new Response(null, { status: 204 });
  return new Response(async function* () {
    for (const chunk of chunks) {
      yield bytes(chunk);
      await Bun.sleep(${chunkGapMs});
    }
  }, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
};
`;

/**
 * A header value as text: the browser and the probe send the id as UTF-8, and Bun hands over one character per byte.
 */
const headerText = (value: string | null) => (value === null ? null : Buffer.from(value, "latin1").toString("utf8"));

/** The oracle's server: a page to run EventSource in, and the streams, counted per client and case. */
function startStreamServer() {
  const log = new Map<string, { requests: { t: number; lastEventId: string | null }[]; ends: number[] }>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/")
        return new Response("<!doctype html><title>oracle</title>", { headers: { "content-type": "text/html" } });
      const [, client, name] = url.pathname.split("/");
      const streamCase = sseStreamCases.find((c) => c.name === name);
      if (!client || !streamCase) return new Response("no such stream\n", { status: 404 });
      const key = `${client}/${name}`;
      const entry = log.get(key) ?? { requests: [], ends: [] };
      log.set(key, entry);
      entry.requests.push({ t: performance.now(), lastEventId: request.headers.get("last-event-id") });
      const chunks = streamCase.connections[entry.requests.length - 1];
      if (!chunks) return new Response(null, { status: 204 });
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            for (const chunk of chunks) {
              controller.enqueue(chunk);
              await Bun.sleep(chunkGapMs);
            }
            entry.ends.push(performance.now());
            controller.close();
          },
        }),
        { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
      );
    },
  });
  /** What the server saw of one client's reconnects on one case. */
  function reconnects(client: string, name: string): Reconnects {
    const entry = log.get(`${client}/${name}`) ?? { requests: [], ends: [] };
    return {
      lastEventIds: entry.requests.slice(1).map((r) => headerText(r.lastEventId)),
      delaysMs: entry.requests.slice(1).map((r, i) => r.t - (entry.ends[i] ?? r.t)),
    };
  }
  return { server, reconnects };
}

/** Runs Chromium's EventSource over a case until the 204 closes it for good. */
function runOracle(page: Page, url: string, types: string[]): Promise<Dispatched[]> {
  return page.evaluate(
    ({ url, types }) =>
      new Promise<Dispatched[]>((resolve, reject) => {
        const dispatched: Dispatched[] = [];
        const source = new EventSource(url);
        const record = (event: MessageEvent) =>
          void dispatched.push({ type: event.type, data: String(event.data), lastEventId: event.lastEventId });
        source.addEventListener("message", record);
        for (const type of types) source.addEventListener(type, record as (event: Event) => void);
        const timer = setTimeout(() => {
          source.close();
          reject(new Error(`the oracle's EventSource was still open after 20 s, with ${dispatched.length} events`));
        }, 20_000);
        source.addEventListener("error", () => {
          if (source.readyState !== EventSource.CLOSED) return;
          clearTimeout(timer);
          resolve(dispatched);
        });
      }),
    { url, types },
  );
}

/** Runs the host's eventsource probe over a case until the 204 ends it. */
async function runProbe(url: string) {
  const events: TimelineEvent[] = [];
  const probe = openClient({
    lane: 1,
    url,
    client: "eventsource",
    now: () => performance.now(),
    emit: (event) => events.push(event),
  });
  await probe.done;
  return {
    dispatched: events.flatMap((e): Dispatched[] =>
      e.kind === "sse" ? [{ type: e.event, data: e.data, lastEventId: e.lastEventId }] : [],
    ),
    shown: events.flatMap((e) => (e.kind === "reconnect" ? [e.lastEventId ?? null] : [])),
  };
}

/** True when two reconnect waits are the same wait, as far as two processes on a busy machine can tell. */
function sameWait(a: number, b: number): boolean {
  return Math.abs(a - b) <= 0.5 * Math.max(a, b) + 150;
}

/** Each wait as `≈` when it matches the oracle's, or as itself when it does not, for a readable diff. */
function againstOracle(delays: number[], oracle: number[]): (number | string)[] {
  return delays.map((ms, i) => (oracle[i] !== undefined && sameWait(ms, oracle[i]) ? "≈" : Math.round(ms)));
}

let browser: Browser;
let context: BrowserContext;
let oraclePage: Page;
let playground: Page;
let host: Host;
let workspaceDir: string;
let streams: ReturnType<typeof startStreamServer>;
let socket: Awaited<ReturnType<typeof openPage>>;

beforeAll(async () => {
  browser = await launchChromium();
  streams = startStreamServer();
  context = await browser.newContext();
  oraclePage = await context.newPage();
  await oraclePage.goto(streams.server.url.href);

  workspaceDir = mkdtempSync(join(tmpdir(), "sse-oracle-"));
  host = await startHost({ port: 0, session: { workspaceDir } });
  // The playground in a context of its own: its EventSources do not share the oracle's connections.
  playground = await (await browser.newContext()).newPage();
  playground.on("pageerror", (error) => console.error("page error:", error.message));
  await playground.goto(host.launchUrl);
  await playground.waitForSelector("body[data-editor-ready]");
  await playground.waitForFunction(() => document.getElementById("status")?.textContent?.includes("live"));
  socket = await openPage(host);
  const loaded = await socket.request("load", { source: streamsSnippet });
  if (loaded.kind !== "loaded") throw new Error(`the streams snippet did not load: ${loaded.message}`);
  await playground.selectOption("#client-kind", "browser");
}, 60_000);

afterAll(async () => {
  await browser?.close();
  streams?.server.stop(true);
  await host?.stop();
  if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
});

/**
 * Opens the page's browser client on a case from the playground's controls, and gives back what its lane recorded once
 * the 204 ended it.
 */
async function runPageClient(streamCase: SseStreamCase, expectedEvents: Promise<number>) {
  await playground.fill("#client-path", `/${streamCase.name}`);
  await playground.click("#connect");
  const open = await socket.event(
    (e): e is Extract<TimelineEvent, { kind: "open" }> =>
      e.kind === "open" && e.client === "browser" && e.url.endsWith(`/${streamCase.name}`),
  );
  const lane = open.lane;
  await socket.event(
    (e): e is Extract<TimelineEvent, { kind: "disconnect" }> =>
      e.lane === lane && e.kind === "disconnect" && e.by === "error",
  );
  // The page reports its events on its own; give them a moment past the end, but no longer than needed.
  const dispatchedOnLane = () => socket.events.filter((e) => e.lane === lane && e.kind === "sse");
  const expected = await expectedEvents;
  await Promise.race([
    socket.until(() => (dispatchedOnLane().length >= expected ? true : undefined)),
    Bun.sleep(2_000),
  ]);
  const onLane = socket.events.filter((e) => e.lane === lane);
  return {
    dispatched: onLane.flatMap((e): Dispatched[] =>
      e.kind === "sse" ? [{ type: e.event, data: e.data, lastEventId: e.lastEventId }] : [],
    ),
    reconnects: {
      lastEventIds: onLane.flatMap((e) => (e.kind === "reconnect" ? [e.lastEventId ?? null] : [])),
      delaysMs: onLane.flatMap((e) => (e.kind === "reconnect" ? [e.delayMs] : [])),
    },
  };
}

describe("SSE as Chromium's EventSource sees it", () => {
  test.each(sseStreamCases.map((c) => [c.name, c] as const))(
    "%s: both playground clients dispatch what Chromium dispatches, and reconnect as it does",
    async (name, streamCase) => {
      const url = (client: string) => new URL(`/${client}/${name}`, streams.server.url).href;
      const oracleRun = runOracle(oraclePage, url("oracle"), streamCase.types);
      const [oracle, probe, page] = await Promise.all([
        oracleRun,
        runProbe(url("probe")),
        runPageClient(
          streamCase,
          oracleRun.then((events) => events.length),
        ),
      ]);
      const oracleReconnects = streams.reconnects("oracle", name);
      const probeReconnects = streams.reconnects("probe", name);

      expect({ probe: probe.dispatched, page: page.dispatched }).toEqual({ probe: oracle, page: oracle });
      expect({
        probeSent: probeReconnects.lastEventIds,
        // The probe's timeline names the header it sent.
        probeShown: probe.shown,
        pageSent: page.reconnects.lastEventIds,
      }).toEqual({
        probeSent: oracleReconnects.lastEventIds,
        probeShown: oracleReconnects.lastEventIds,
        pageSent: oracleReconnects.lastEventIds,
      });
      expect({
        probe: againstOracle(probeReconnects.delaysMs, oracleReconnects.delaysMs),
        page: againstOracle(page.reconnects.delaysMs, oracleReconnects.delaysMs),
      }).toEqual({ probe: oracleReconnects.delaysMs.map(() => "≈"), page: oracleReconnects.delaysMs.map(() => "≈") });
    },
    30_000,
  );
});
