/**
 * Starts the desktop app with Electrobun's own command (`electrobun dev`), which builds it and,
 * on the first start, downloads Electrobun's native core. If the app does not come up, the reason
 * is returned so `npm start` can say it and serve the browser instead.
 */

import { join } from "node:path";
import { projectRoot } from "../host-server.ts";

/** The desktop app prints this once its window is open; until then a failure means "fall back". */
export const desktopReadyLine = "Stream Playground: desktop window open";

export interface StartDesktopOptions {
  /** Electrobun's native core is missing and will be downloaded first. */
  downloadCore: boolean;
}

/** Runs the desktop app until it quits. Returns undefined when it ran, or why it could not start. */
export async function startDesktop(options: StartDesktopOptions): Promise<string | undefined> {
  if (options.downloadCore) console.log("Fetching Electrobun's native core for the desktop app (first start only)…");
  const cli = join(projectRoot, "node_modules", "electrobun", "bin", "electrobun.cjs");
  const child = Bun.spawn([process.execPath, cli, "dev"], {
    cwd: projectRoot,
    env: { ...process.env, STREAM_PLAYGROUND_ROOT: projectRoot },
    stdio: ["inherit", "pipe", "pipe"],
  });
  let opened = false;
  let lastError = "";
  const relay = async (stream: ReadableStream<Uint8Array>, write: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      if (text.includes(desktopReadyLine)) opened = true;
      const errorLine = text.split("\n").findLast((line) => /error|fail|cannot|could not/i.test(line));
      if (errorLine) lastError = errorLine.trim();
      write(text);
    }
  };
  await Promise.all([
    relay(child.stdout, (text) => process.stdout.write(text)),
    relay(child.stderr, (text) => process.stderr.write(text)),
    child.exited,
  ]);
  if (opened) return undefined;
  return `electrobun dev exited with code ${child.exitCode}${lastError ? ` (${lastError})` : ""}`;
}
