/** The host's side of slow lanes, lanes against other servers and recordings, through a page's WebSocket. */

import { describe, expect, test } from "bun:test";
import type { ClientRequest, PageRequests, TimelineEvent } from "../src/contract/index.ts";
import { createRecordingLedger } from "../src/main/recording-ledger.ts";
import { openPage } from "./support/page-socket.ts";
import { letIn, startTestHost } from "./support/test-host.ts";

const connect = (request: Partial<ClientRequest>): PageRequests["connect"]["request"] => ({
  request: { client: "stream", path: "/", method: "GET", headers: {}, clients: 1, ...request },
});

const endless = `export default () => new Response(async function* () {
  for (let i = 0; ; i++) {
    yield "line " + i + "\\n";
    await Bun.sleep(10);
  }
});`;

/** Every event the page has been sent so far. */
function eventsOf(page: Awaited<ReturnType<typeof openPage>>): TimelineEvent[] {
  return page.messages.flatMap((message) => (message.payload?.type === "events" ? message.payload.events : []));
}

describe("a slow lane", () => {
  test("Pause and Resume reach its client, each a reading event, and the host's status says when it is paused", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: endless });
    await page.request("connect", connect({ slow: { readBytesPerSecond: 65_536 } }));
    expect(host.session.status().clients).toEqual([
      { lane: 1, client: "stream", method: "GET", path: "/", slow: { readBytesPerSecond: 65_536 }, paused: false },
    ]);
    await page.request("lane-reading", { lane: 1, paused: true });
    await page.until(() =>
      page.messages.find((m) => m.payload?.type === "status" && m.payload.status.clients[0]?.paused === true),
    );
    await page.request("lane-reading", { lane: 1, paused: false });
    await page.until(() => eventsOf(page).filter((event) => event.kind === "reading").length === 2 || undefined);
    const reading = eventsOf(page).flatMap((event) =>
      event.kind === "reading" ? [{ state: event.state, cause: event.cause }] : [],
    );
    expect(reading).toEqual([
      { state: "paused", cause: "user" },
      { state: "resumed", cause: "user" },
    ]);
    await page.request("disconnect", {});
  });

  test("a client that reads at full speed cannot be paused, and says why", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: endless });
    await page.request("connect", connect({}));
    expect(await page.outcome("lane-reading", { lane: 1, paused: true })).toEqual({
      error: {
        kind: "failed",
        message:
          "lane-reading: lane 1's client reads at full speed: only a slow client can be paused (open one with slow-client settings)",
      },
    });
    expect(await page.outcome("lane-reading", { lane: 9, paused: true })).toEqual({
      error: { kind: "failed", message: "lane-reading: lane 9 has no open client" },
    });
    await page.request("disconnect", {});
  });

  test("the browser's own EventSource cannot be slow, nor reach another server", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    expect(await page.outcome("connect", connect({ client: "browser", slow: { stallAfterMs: 10 } }))).toEqual({
      error: {
        kind: "malformed",
        message:
          "malformed message: connect.request slow and flaky settings are for the host's clients (stream, eventsource, websocket), not the browser's own EventSource",
      },
    });
    expect(await page.outcome("connect", connect({ client: "browser", path: "http://localhost:9/" }))).toEqual({
      error: {
        kind: "malformed",
        message:
          "malformed message: connect.request client browser reaches only the snippet's server (through the host): use the eventsource client for another server",
      },
    });
  });
});

describe("a lane against another server", () => {
  test("requests the URL as given, without the lane header, and its open says the server side is not visible", async () => {
    await using other = Bun.serve({
      port: 0,
      fetch: (request) => new Response(`lane header: ${request.headers.get("x-playground-lane")}\n`),
    });
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    const url = new URL("/elsewhere?x=1", other.url).href;
    expect(await page.request("connect", connect({ path: url }))).toEqual({ lanes: [{ lane: 1, url }] });
    await page.until(() => eventsOf(page).find((event) => event.kind === "disconnect"));
    const events = eventsOf(page);
    expect(events.find((event) => event.kind === "open")).toMatchObject({ url, external: true });
    expect(events.flatMap((event) => (event.kind === "chunk" ? [event.text] : []))).toEqual(["lane header: null\n"]);
    expect(events.some((event) => event.side === "server")).toBe(false);
  });
});

describe("recording sources", () => {
  test("the source of each version asked for, and each lane's request", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    await page.request("load", { source: `export default () => new Response("one");` });
    await page.request("load", { source: `export default () => new Response("two");` });
    await page.request("connect", connect({ path: "/a", clients: 2 }));
    const sources = await page.request("recording-sources", { versions: [2, 1, 7] });
    const path = host.session.workspace()!.document.path;
    expect(sources).toEqual({
      versions: [
        { version: 1, source: `export default () => new Response("one");`, path },
        { version: 2, source: `export default () => new Response("two");`, path },
      ],
      lanes: [1, 2].map((lane) => ({
        lane,
        request: { client: "stream", path: "/a", method: "GET", headers: {}, clients: 2 },
      })),
    });
    // A cleared timeline numbers its lanes from 1 again: the old lanes' requests go.
    await page.request("clear", {});
    expect((await page.request("recording-sources", { versions: [] })).lanes).toEqual([]);
  });

  test("opening a recording with the system's dialog is for the desktop app", async () => {
    await using host = await startTestHost();
    const page = await openPage(host, await letIn(host));
    expect(await page.outcome("recording-open-dialog", {})).toEqual({
      error: { kind: "failed", message: "no system dialogs in browser mode" },
    });
  });
});

describe("the recording ledger", () => {
  test("keeps the newest versions within its bounds", () => {
    const ledger = createRecordingLedger({ maxVersions: 2, maxSourceChars: 10 });
    ledger.noteVersion(1, "aaaa", undefined);
    ledger.noteVersion(2, "bbbb", "/x.ts");
    ledger.noteVersion(3, "cccc", undefined);
    expect(ledger.sources([1, 2, 3]).versions).toEqual([
      { version: 2, source: "bbbb", path: "/x.ts" },
      { version: 3, source: "cccc" },
    ]);
    ledger.noteVersion(4, "dddddddddd", undefined);
    // Past the character bound the oldest go, but never the version just noted.
    expect(ledger.sources([2, 3, 4]).versions.map((version) => version.version)).toEqual([4]);
  });
});
