/**
 * The `trace` command's options, parsed from arguments. A lesson's "try" line uses the same
 * words, so the UI, the tests and the terminal read a suggested request the same way.
 */

import {
  type ClientBehaviour,
  errorMessage,
  isWebSocketUrl,
  maxClientsPerConnect,
  parseByteSize,
  type TraceSettings,
  traceClientKinds,
} from "../contract/index.ts";
import { joinNegativeValues } from "./option-values.ts";

/** The command's options: a trace's settings, and what the command does with the timeline. */
export interface TraceArgs extends TraceSettings {
  headers: Record<string, string>;
  /** The snippet's file; none for `--url`. */
  snippetPath?: string | undefined;
  /** An expectation file to check the timeline against. */
  expectPath?: string | undefined;
  /** Where to write the timeline as a recording the playground opens. */
  recordPath?: string | undefined;
  json: boolean;
  help: boolean;
  /** Print the version instead of tracing. */
  version: boolean;
}

/** The trace's settings among the command's options, without what the command does with the timeline. */
export function traceSettingsOfArgs(args: TraceArgs): TraceSettings {
  const {
    snippetPath: _snippet,
    expectPath: _expect,
    recordPath: _record,
    json: _json,
    help: _help,
    version: _version,
    ...settings
  } = args;
  return settings;
}

/** The option that gives each trace setting, as a message about it names it. */
const traceOptionNames: Record<keyof TraceSettings, string> = {
  path: "--path",
  url: "--url",
  client: "--client",
  clients: "--clients",
  method: "--method",
  headers: "--header",
  body: "--body",
  durationMs: "--duration",
  disconnectAfterMs: "--disconnect-after",
  cleanupGraceMs: "--cleanup-grace",
  send: "--send",
  sendEveryMs: "--send-every",
  protocols: "--protocol",
  slow: "--read-rate, --stall-after, --stall-for or --drop-after-bytes",
  lens: "--lens",
};

/** The option that gives `field` on the command line: `--send-every` for `sendEveryMs`. */
export function traceOptionName(field: keyof TraceSettings): string {
  return traceOptionNames[field];
}

export type TraceArgsResult = { ok: true; args: TraceArgs } | { ok: false; message: string };

/** The options that take a number, which a negative one is refused by name rather than read as an option. */
const numberOptions = [
  "clients",
  "duration",
  "disconnect-after",
  "cleanup-grace",
  "send-every",
  "stall-after",
  "stall-for",
  "read-rate",
  "drop-after-bytes",
];

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} takes a non-negative number, not "${value}"`);
  return parsed;
}

function clientCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > maxClientsPerConnect)
    throw new Error(`--clients takes a whole number from 1 to ${maxClientsPerConnect}, not "${value}"`);
  return count;
}

/** Splits a line of options as a shell would for simple words and "quoted strings". */
export function splitWords(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]!),
  );
}

/** The slow-client options, or undefined when none is given. */
function slowOptions(values: Record<string, string | boolean | string[] | undefined>): ClientBehaviour | undefined {
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const rate = text("read-rate");
  const drop = text("drop-after-bytes");
  const behaviour: ClientBehaviour = {};
  if (rate !== undefined) {
    const bytes = parseByteSize(rate);
    if (bytes === undefined || bytes < 1)
      throw new Error(`--read-rate takes bytes a second, such as 65536, 64KiB or 1MB, not "${rate}"`);
    behaviour.readBytesPerSecond = bytes;
  }
  const stallAfter = number(text("stall-after"), "stall-after");
  const stallFor = number(text("stall-for"), "stall-for");
  if (stallFor !== undefined && stallAfter === undefined)
    throw new Error("--stall-for needs --stall-after: when the stall begins");
  if (stallFor === 0)
    throw new Error("--stall-for takes a number of ms above 0 (leave it out to stop reading for good)");
  if (stallAfter !== undefined) behaviour.stallAfterMs = stallAfter;
  if (stallFor !== undefined) behaviour.stallMs = stallFor;
  if (drop !== undefined) {
    const bytes = parseByteSize(drop);
    if (bytes === undefined)
      throw new Error(`--drop-after-bytes takes a number of bytes, such as 100 or 4KiB, not "${drop}"`);
    behaviour.dropAfterBytes = bytes;
  }
  return Object.keys(behaviour).length === 0 ? undefined : behaviour;
}

export function parseTraceArgs(argv: readonly string[]): TraceArgsResult {
  try {
    // `node:util` is loaded when arguments are first read, not with every process that imports this.
    const { values, positionals } = process.getBuiltinModule("node:util").parseArgs({
      args: joinNegativeValues(argv, numberOptions),
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
        send: { type: "string", multiple: true },
        "send-every": { type: "string" },
        protocol: { type: "string", multiple: true },
        url: { type: "string" },
        "read-rate": { type: "string" },
        "stall-after": { type: "string" },
        "stall-for": { type: "string" },
        "drop-after-bytes": { type: "string" },
        lens: { type: "string" },
        expect: { type: "string" },
        record: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
    if (positionals.length > 1) throw new Error("give exactly one snippet file");
    const named = values.client ?? (isWebSocketUrl(values.url) ? "websocket" : undefined);
    const client = traceClientKinds.find((kind) => kind === named);
    if (named !== undefined && client === undefined)
      throw new Error(
        `--client is ${traceClientKinds.slice(0, -1).join(", ")} or ${traceClientKinds.at(-1)}, not "${named}"`,
      );
    const forWebSocket = ["send", "send-every", "protocol"].filter((name) => values[name as "send"] !== undefined);
    if (forWebSocket.length > 0 && client !== "websocket")
      throw new Error(`--${forWebSocket[0]} is for --client websocket`);
    const sendEveryMs = number(values["send-every"], "send-every");
    if (sendEveryMs === 0) throw new Error("--send-every takes a number of ms above 0");
    if (positionals.length > 0 && values.url !== undefined) throw new Error("give a snippet file or --url, not both");
    const slow = slowOptions(values);
    const headers: Record<string, string> = {};
    for (const header of values.header ?? []) {
      const colon = header.indexOf(":");
      if (colon <= 0) throw new Error(`--header takes K:V, not "${header}"`);
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    }
    return {
      ok: true,
      args: {
        snippetPath: positionals[0],
        path: values.path,
        client,
        clients: clientCount(values.clients),
        method: values.method,
        headers,
        body: values.body,
        durationMs: number(values.duration, "duration"),
        disconnectAfterMs: number(values["disconnect-after"], "disconnect-after"),
        cleanupGraceMs: number(values["cleanup-grace"], "cleanup-grace"),
        protocols: values.protocol,
        send: values.send,
        sendEveryMs,
        url: values.url,
        slow,
        lens: values.lens,
        expectPath: values.expect,
        recordPath: values.record,
        json: values.json === true,
        help: values.help === true,
        version: values.version === true,
      },
    };
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}
