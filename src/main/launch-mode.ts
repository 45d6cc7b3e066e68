/**
 * Whether `npm start` can open the desktop window, decided from plain facts about the machine so
 * the decision is easy to test. When it cannot, the reason is one sentence the user reads.
 */

export interface LaunchFacts {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** Browser mode was asked for (`npm run start:web`, `--web`). */
  forceBrowser: boolean;
  /** Electrobun's native core for this platform is installed. */
  electrobunCore: boolean;
  /** Linux only: WebKitGTK 4.1, which Electrobun's Linux window is drawn with, is installed. */
  webkitGtk: boolean;
}

export type LaunchMode =
  /** Start the desktop app; `downloadCore`: Electrobun fetches its native core on this first start. */
  { mode: "desktop"; downloadCore: boolean } | { mode: "browser"; reason: string };

export function chooseLaunchMode(facts: LaunchFacts): LaunchMode {
  const { env } = facts;
  if (facts.forceBrowser) return { mode: "browser", reason: "browser mode was asked for" };
  if (env.CI) return { mode: "browser", reason: "CI is set, so no window is opened" };
  if (facts.platform !== "linux" && facts.platform !== "darwin" && facts.platform !== "win32") {
    return { mode: "browser", reason: `the desktop app does not run on ${facts.platform}` };
  }
  if (facts.platform === "linux") {
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY)
      return { mode: "browser", reason: "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)" };
    if (!facts.webkitGtk)
      return {
        mode: "browser",
        reason:
          "WebKitGTK 4.1 is not installed (Debian/Ubuntu: libwebkit2gtk-4.1-0, libgtk-3-0, libayatana-appindicator3-1)",
      };
  }
  return { mode: "desktop", downloadCore: !facts.electrobunCore };
}
