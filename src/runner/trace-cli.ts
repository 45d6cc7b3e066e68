/**
 * `npm run trace -- <snippet.ts> [options]`: trace a snippet from the terminal and print its
 * timeline. Exits 0 when the snippet loaded, 1 when it did not, 2 on a usage error.
 */

import { parseArgs } from "node:util";
import { formatTimeline } from "./format-timeline.ts";
import type { ClientKind } from "./protocol.ts";
import { traceSnippet } from "./trace.ts";

const usage = `usage: npm run trace -- <snippet.ts> [options]

  --path /events          path (and query) the clients request (default /)
  --client stream|eventsource
                          fetch and read the body (default), or behave like an EventSource
  --clients N             how many clients, each on its own lane (default 1)
  --method POST           request method (stream client)
  --header K:V            request header, repeatable
  --body TEXT             request body (stream client)
  --duration MS           stop recording after MS (eventsource default: 5000)
  --disconnect-after MS   disconnect each client MS after it opened
  --cleanup-grace MS      how long server cleanup may take before it counts as leaked (default 3000)
  --json                  one JSON object per line instead of the readable timeline`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) fail(`--${name} takes a number of milliseconds, not "${value}"`);
  return parsed;
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      path: { type: "string" },
      client: { type: "string" },
      clients: { type: "string" },
      method: { type: "string" },
      header: { type: "string", multiple: true },
      body: { type: "string" },
      duration: { type: "string" },
      "disconnect-after": { type: "string" },
      "cleanup-grace": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [snippetPath] = positionals;
if (!snippetPath || positionals.length > 1) fail("give exactly one snippet file");
if (!(await Bun.file(snippetPath).exists())) fail(`no such file: ${snippetPath}`);
const client = values.client ?? "stream";
if (client !== "stream" && client !== "eventsource") fail(`--client is stream or eventsource, not "${client}"`);

const headers: Record<string, string> = {};
for (const header of values.header ?? []) {
  const colon = header.indexOf(":");
  if (colon <= 0) fail(`--header takes K:V, not "${header}"`);
  headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
}

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());

const result = await traceSnippet({
  snippetPath,
  path: values.path,
  client: client as ClientKind,
  clients: number(values.clients, "clients"),
  method: values.method,
  headers,
  body: values.body,
  durationMs: number(values.duration, "duration"),
  disconnectAfterMs: number(values["disconnect-after"], "disconnect-after"),
  cleanupGraceMs: number(values["cleanup-grace"], "cleanup-grace"),
  stop: stop.signal,
});

if (values.json) {
  process.stdout.write(result.events.map((event) => JSON.stringify(event)).join("\n") + "\n");
} else {
  process.stdout.write(formatTimeline(result.events, process.stdout.isTTY === true) + "\n");
}
process.exit(result.load.kind === "loaded" ? 0 : 1);
