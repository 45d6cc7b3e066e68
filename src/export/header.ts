/**
 * The comment at the top of the exported file: what it is, how to run it, a `curl` line to try
 * it, and every change and note, so the file explains itself without the playground.
 */

import { curlCommand, type ExportTarget, type TryRequest } from "../contract/index.ts";

export interface HeaderContent {
  target: ExportTarget;
  fileName: string;
  snippetName: string;
  port: number;
  tryRequest: TryRequest;
  /** Flags besides `--allow-net` that `deno run` needs. */
  permissions: string[];
  /** The snippet serves WebSockets: the try line opens one instead of running curl. */
  websocket?: boolean | undefined;
  /** Already rendered, e.g. `line 12: Bun.sleep(ms) became …`. */
  changes: string[];
  notes: string[];
}

const width = 100;

export function renderHeader(content: HeaderContent): string {
  const runtime = content.target === "bun" ? "Bun" : "Deno";
  const run =
    content.target === "bun"
      ? `bun ${content.fileName}`
      : `deno run ${["--allow-net", ...content.permissions].join(" ")} ${content.fileName}`;
  const lines = [
    `${content.fileName}: a standalone ${runtime} server, exported from Stream Playground (${content.snippetName}).`,
    "",
    `Run it:  ${run}`,
    `Try it:  ${tryLine(content.target, content.tryRequest, content.port, content.websocket ?? false)}`,
  ];
  if (content.changes.length > 0) lines.push("", `Changed for ${runtime}:`, ...content.changes.flatMap(bullet));
  if (content.notes.length > 0) lines.push("", "Good to know:", ...content.notes.flatMap(bullet));
  return `${lines.map((line) => (line === "" ? "//" : `// ${line}`)).join("\n")}\n\n`;
}

/** The line that tries the server: a one-line WebSocket client when it serves WebSockets, otherwise `curl -N`. */
export function tryLine(target: ExportTarget, request: TryRequest, port: number, websocket: boolean): string {
  return websocket ? webSocketLine(target, request, port) : curlLine(request, port);
}

/** `curl -N [-X POST] [-H 'k: v'] [-d '…'] http://localhost:PORT/path`, quoted for a POSIX shell. */
export function curlLine(request: TryRequest, port: number): string {
  const path = request.path.startsWith("/") ? request.path : `/${request.path}`;
  return curlCommand({ ...request, url: `http://localhost:${port}${path}` });
}

/** A one-line WebSocket client in the target's own runtime: it sends "hello" once open and prints what arrives. */
export function webSocketLine(target: ExportTarget, request: TryRequest, port: number): string {
  const path = request.path.startsWith("/") ? request.path : `/${request.path}`;
  const code = `const ws = new WebSocket(${JSON.stringify(`ws://localhost:${port}${path}`)}); ws.onopen = () => ws.send("hello"); ws.onmessage = (event) => console.log(event.data);`;
  return `${target === "bun" ? "bun -e" : "deno eval"} '${code.replaceAll("'", "'\\''")}'`;
}

/** `- text`, wrapped to the width with the continuation indented under the text. */
function bullet(text: string): string[] {
  const words = text.split(" ");
  const out: string[] = [];
  let line = "-";
  for (const word of words) {
    if (line.length + 1 + word.length > width - 3 && line.trim() !== "-") {
      out.push(line);
      line = " ";
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}
