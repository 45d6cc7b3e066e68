/**
 * `npm run trace -- <snippet.ts> [options]`: trace a snippet from the terminal and print its
 * timeline. Exits 0 when the snippet loaded, 1 when it did not, 2 on a usage error.
 */

import { formatTimeline } from "./format-timeline.ts";
import { timelineJsonLines } from "../contract/timeline-file.ts";
import { parseTraceArgs } from "./trace-options.ts";
import { traceSnippet } from "./trace.ts";

const usage = `usage: npm run trace -- <snippet.ts> [options]

  --path /events          path (and query) the clients request (default /)
  --client stream|eventsource|websocket
                          fetch and read the body (default), behave like an EventSource, or open
                          a WebSocket (ws://) and trace its messages both ways
  --clients N             how many clients, each on its own lane (default 1)
  --method POST           request method (stream client)
  --header K:V            request header, repeatable
  --body TEXT             request body (stream client)
  --send TEXT             websocket: a text message to send once open, repeatable (in order)
  --send-every MS         websocket: send one message every MS ms, round and round, instead of
                          all at once
  --protocol NAME         websocket: a subprotocol to offer, repeatable
  --duration MS           end the trace MS after it starts, whatever the snippet does: a load
                          still running is given up, clients are disconnected, and the server's
                          cleanup then gets the cleanup grace (eventsource default: 5000,
                          websocket default: 2000, when the clients close with 1000)
  --disconnect-after MS   disconnect each client MS after it opened
  --cleanup-grace MS      how long server cleanup may take before it counts as leaked (default 3000)
  --json                  one JSON object per line instead of the readable timeline`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

const parsed = parseTraceArgs(process.argv.slice(2));
if (!parsed.ok) fail(parsed.message);
const { args } = parsed;
if (args.help) {
  console.log(usage);
  process.exit(0);
}
if (!args.snippetPath) fail("give exactly one snippet file");
if (!(await Bun.file(args.snippetPath).exists())) fail(`no such file: ${args.snippetPath}`);

const stop = new AbortController();
process.once("SIGINT", () => stop.abort());

const result = await traceSnippet({ ...args, snippetPath: args.snippetPath, stop: stop.signal });

const output = args.json ? timelineJsonLines(result.events) : formatTimeline(result.events, process.stdout.isTTY === true) + "\n";
// Exit only once a pipe has taken everything: exiting at once would cut the output at the pipe's buffer.
await new Promise<void>((resolve) => process.stdout.write(output, () => resolve()));
process.exit(result.load.kind === "loaded" ? 0 : 1);
