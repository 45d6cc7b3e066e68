/**
 * Browser mode, as `npm run start:web` (and `npm start` where the desktop app cannot run) runs it: start the host,
 * print
 * the launch URL on a line of its own, open a browser, and stop the runner cleanly on Ctrl+C.
 */

import { startHost, type Host } from "./host-server.ts";
import { openBrowser } from "./open-browser.ts";
import { watchParent } from "./parent-watch.ts";
import { errorMessage } from "../contract/index.ts";

export interface LaunchOptions {
  argv?: readonly string[] | undefined;
  env?: Record<string, string | undefined> | undefined;
  /** A snippet file to open at start instead of the last session's document. */
  openPath?: string | undefined;
}

/** The port to listen on: `PORT` (0 for any free one), else the one the last launch used, if it is free. */
function readPort(value: string | undefined): number | "remembered" {
  if (value === undefined || value === "") return "remembered";
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number (0 for any free one), not ${JSON.stringify(value)}`);
  return port;
}

export async function launchWebHost(options: LaunchOptions = {}): Promise<void> {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const starting = startHost({
    port: readPort(env.PORT),
    session: options.openPath === undefined ? undefined : { openPath: options.openPath },
    // The URL goes out as soon as the host listens: the browser loads the page (Monaco is most
    // of it) while the runner starts, and the page's first load waits for the runner.
    onListening(launchUrl) {
      // Scripts and tests look for exactly this line.
      console.log(`Stream Playground: ${launchUrl}`);
      if (!env.CI && !argv.includes("--no-open")) openBrowser(launchUrl, (line) => console.log(line), env);
    },
  });

  // Listening for the end before the host has started: its URL is out while its runner starts,
  // and whoever saw it may end the playground at once.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Stopping the playground (${signal})…`);
    // A host still starting is waited for, so that its runner is ended with it.
    const host: Host | undefined = await starting.catch(() => undefined);
    await host?.stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
  // SIGTERM to npm ends npm without passing it on: this process is orphaned, and stops too.
  watchParent({ onGone: () => void stop("npm went away") });

  try {
    await starting;
  } catch (error) {
    console.error(`The playground could not start: ${errorMessage(error)}`);
    process.exit(1);
  }
}
