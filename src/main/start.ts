/**
 * `npm start`: the desktop window is a later piece of work (the Electrobun shell), so for now this
 * says why no window opens and serves the playground in a browser, exactly as `start:web` does.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./host-server.ts";
import { launchWebHost } from "./launch-web.ts";

/** Electrobun's folder of native binaries for this platform, e.g. `dist-linux-x64`. */
function electrobunDist(): string {
  const os = process.platform === "darwin" ? "macos" : process.platform === "win32" ? "win" : process.platform;
  return `node_modules/electrobun/dist-${os}-${process.arch}`;
}

/** One sentence: why the desktop window is not started. */
function whyNoDesktopWindow(): string {
  const missing: string[] = [];
  const dist = electrobunDist();
  if (!existsSync(join(projectRoot, dist))) missing.push(`the Electrobun binaries (${dist}) are not installed`);
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) missing.push("no display is set (DISPLAY / WAYLAND_DISPLAY)");
  const reason = missing.length > 0 ? missing.join(" and ") : "the desktop shell is not built yet";
  return `Desktop window not started: ${reason}; serving the playground in the browser instead.`;
}

console.log(whyNoDesktopWindow());
await launchWebHost();
