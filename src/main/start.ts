/**
 * `npm start`: the desktop app where Electrobun can run, and otherwise the playground in a browser,
 * after one line saying why. `--web` (or `npm run start:web`) always uses the browser.
 */

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startDesktop } from "./desktop/start-desktop.ts";
import { projectRoot } from "./host-server.ts";
import { chooseLaunchMode } from "./launch-mode.ts";
import { launchWebHost } from "./launch-web.ts";

/** Electrobun's folder of native binaries for this platform, e.g. `dist-linux-x64`. */
function electrobunCoreDir(): string {
  const os = process.platform === "darwin" ? "macos" : process.platform === "win32" ? "win" : process.platform;
  return join(projectRoot, "node_modules", "electrobun", `dist-${os}-${process.arch}`);
}

/** WebKitGTK 4.1 in one of the places Linux distributions put shared libraries. */
function hasWebkitGtk(): boolean {
  const dirs = ["/usr/lib", "/usr/lib64", `/usr/lib/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`];
  return dirs.some((dir) => existsSync(dir) && readdirSync(dir).some((name) => name.startsWith("libwebkit2gtk-4.1.so")));
}

const mode = chooseLaunchMode({
  platform: process.platform,
  env: process.env,
  forceBrowser: process.argv.includes("--web"),
  electrobunCore: existsSync(electrobunCoreDir()),
  webkitGtk: process.platform === "linux" ? hasWebkitGtk() : true,
});

if (mode.mode === "desktop") {
  const failure = await startDesktop({ downloadCore: mode.downloadCore });
  if (failure !== undefined) {
    console.log(`Desktop app not started: ${failure}; serving the playground in the browser instead.`);
    await launchWebHost();
  }
} else {
  console.log(`Desktop app not started: ${mode.reason}; serving the playground in the browser instead.`);
  await launchWebHost();
}
