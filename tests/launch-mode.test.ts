import { describe, expect, test } from "bun:test";
import { chooseLaunchMode, type LaunchFacts } from "../src/main/launch-mode.ts";

const linuxDesktop: LaunchFacts = {
  platform: "linux",
  env: { DISPLAY: ":0" },
  forceBrowser: false,
  electrobunCore: true,
  webkitGtk: true,
};

describe("choosing desktop or browser mode", () => {
  test("a Linux machine with a display, WebKitGTK and Electrobun's core opens the desktop app", () => {
    expect(chooseLaunchMode(linuxDesktop)).toEqual({ mode: "desktop", downloadCore: false });
  });

  test("without the core installed, the desktop app is tried with a download of it", () => {
    expect(chooseLaunchMode({ ...linuxDesktop, electrobunCore: false })).toEqual({
      mode: "desktop",
      downloadCore: true,
    });
  });

  test("Wayland counts as a display", () => {
    expect(chooseLaunchMode({ ...linuxDesktop, env: { WAYLAND_DISPLAY: "wayland-0" } })).toEqual({
      mode: "desktop",
      downloadCore: false,
    });
  });

  test.each([
    ["no display", { env: {} }, "there is no display (DISPLAY and WAYLAND_DISPLAY are unset)"],
    [
      "no WebKitGTK",
      { webkitGtk: false },
      "WebKitGTK 4.1 is not installed (Debian/Ubuntu: libwebkit2gtk-4.1-0, libgtk-3-0, libayatana-appindicator3-1)",
    ],
    ["CI", { env: { DISPLAY: ":0", CI: "true" } }, "CI is set, so no window is opened"],
    ["start:web", { forceBrowser: true }, "browser mode was asked for"],
    ["an unsupported platform", { platform: "freebsd" as const }, "the desktop app does not run on freebsd"],
  ])("%s falls back to the browser, saying why", (_name, change, reason) => {
    expect(chooseLaunchMode({ ...linuxDesktop, ...change })).toEqual({ mode: "browser", reason });
  });

  test("macOS needs neither DISPLAY nor WebKitGTK", () => {
    expect(chooseLaunchMode({ ...linuxDesktop, platform: "darwin", env: {}, webkitGtk: false })).toEqual({
      mode: "desktop",
      downloadCore: false,
    });
  });
});
