import { errorMessage } from "../contract/index.ts";
/**
 * Opens a URL in the user's browser, or says in one line why it did not. On Linux `xdg-open` is
 * only tried with a display: without one it falls back to terminal browsers (w3m, lynx) that
 * would run detached from the terminal and never show anything.
 */

/** Chromium-family browsers that can show the page as an app window (`--app=URL`), in order of preference. */
const appBrowsers = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge"];

/** Tries to open `url`; reports one line through `say` when it cannot (it never throws). */
export function openBrowser(
  url: string,
  say: (line: string) => void,
  env: Record<string, string | undefined> = process.env,
): void {
  // An app window (no tabs, no address bar) is the closest thing to the desktop app.
  const hasDisplay = process.platform !== "linux" || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  const app = hasDisplay ? appBrowsers.map((name) => Bun.which(name)).find((path) => path !== null) : undefined;
  if (app) {
    try {
      Bun.spawn([app, `--app=${url}`], { stdio: ["ignore", "ignore", "ignore"] }).unref();
      return;
    } catch {
      // Fall through to the system's default browser.
    }
  }
  const opener = process.platform === "darwin" ? "open" : process.platform === "linux" ? "xdg-open" : undefined;
  if (opener === undefined) {
    say(`Opening a browser is not supported on ${process.platform}: open the URL above yourself.`);
    return;
  }
  if (process.platform === "linux" && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    say("No display (DISPLAY and WAYLAND_DISPLAY are unset), so no browser was opened: open the URL above yourself.");
    return;
  }
  const path = Bun.which(opener);
  if (path === null) {
    say(`${opener} was not found, so no browser was opened: open the URL above yourself.`);
    return;
  }
  try {
    const child = Bun.spawn([path, url], {
      stdio: ["ignore", "ignore", "ignore"],
      onExit: (_child, code) => {
        if (code !== 0) say(`${opener} exited with code ${code}: open the URL above yourself.`);
      },
    });
    child.unref();
  } catch (error) {
    say(`${opener} could not be started (${errorMessage(error)}): open the URL above yourself.`);
  }
}
