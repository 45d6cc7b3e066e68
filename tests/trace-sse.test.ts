import { describe, expect, test } from "bun:test";
import { ofKind, only, traceSource } from "./support/timeline.ts";

describe("SSE through the runner", () => {
  test("every field arrives parsed, and malformed lines are reported, however the writes are split", async () => {
    // The wire text is written in pieces cut mid-field, mid-line and between CR and LF.
    const { events } = await traceSource(`
      const pieces = [": keep-alive\\r", "\\nretry: 1500\\nevent: gre", "eting\\nid: 7\\ndata: hello\\r\\n", "data: world\\n\\n",
        "bogus: field\\nretry: soon\\ndata: after noise\\n", "\\n"];
      export default () => new Response(async function* () {
        for (const piece of pieces) { yield piece; await Bun.sleep(5); }
      }, { headers: { "content-type": "text/event-stream" } });`);
    const client = events
      .filter((e) => e.side === "client" && e.kind.startsWith("sse"))
      .map((e) => {
        const { t: _t, lane: _lane, side: _side, ...fields } = e;
        return fields;
      });
    expect(client).toEqual([
      // eventsource-parser drops the one space after the colon, as it does for fields.
      { kind: "sse-comment", text: "keep-alive" },
      { kind: "sse-retry", ms: 1500 },
      { kind: "sse", event: "greeting", id: "7", lastEventId: "7", data: "hello\nworld" },
      { kind: "sse-invalid", type: "unknown-field", line: "bogus: field", message: 'Unknown field "bogus"' },
      { kind: "sse-invalid", type: "invalid-retry", line: "retry: soon", message: 'Invalid `retry` value: "soon"' },
      { kind: "sse", event: "message", lastEventId: "7", data: "after noise" },
    ]);
  });

  test("an EventSource client reconnects with Last-Event-ID after the server ends, and the server resumes", async () => {
    const { events } = await traceSource(
      `export default (req: Request) => {
        const last = Number(req.headers.get("last-event-id") ?? 0);
        console.log("last-event-id", last);
        return new Response(async function* () {
          yield "retry: 50\\n\\n";
          for (let id = last + 1; id <= last + 3; id++) yield "id: " + id + "\\ndata: n" + id + "\\n\\n";
        }, { headers: { "content-type": "text/event-stream" } });
      };`,
      { client: "eventsource", durationMs: 400 },
    );
    const ids = ofKind(events, "sse").map((e) => e.id);
    expect(ids.slice(0, 6)).toEqual(["1", "2", "3", "4", "5", "6"]);
    const reconnects = ofKind(events, "reconnect");
    expect(reconnects[0]).toMatchObject({ lastEventId: "3", delayMs: 50 });
    expect(
      ofKind(events, "log")
        .slice(0, 2)
        .map((e) => e.text),
    ).toEqual(["last-event-id 0", "last-event-id 3"]);
    expect(only(events, "loaded").kind).toBe("loaded");
  });
});
