/**
 * The timeline's colours, read from CSS custom properties on its container (`--tl-bg`,
 * `--tl-write`, …) with defaults for light and dark schemes, so a page can restyle it with CSS.
 */

import type { MarkRole } from "./timeline-types.ts";

export interface TimelineTheme {
  bg: string;
  fg: string;
  /** Secondary text, axis labels. */
  muted: string;
  grid: string;
  /** Background of every other lane. */
  laneAlt: string;
  /** Write → chunk link lines. */
  link: string;
  /** Ring around the selected mark, and its links. */
  select: string;
  now: string;
  /** Hatching over requests a newer version had replaced. */
  stale: string;
  roles: Record<MarkRole, string>;
  /** CSS font family for labels (`--tl-font`). */
  font: string;
}

type Palette = Omit<TimelineTheme, "font">;

const light: Palette = {
  bg: "#ffffff",
  fg: "#1f2328",
  muted: "#656d76",
  grid: "#e4e8ec",
  laneAlt: "#f5f7f9",
  link: "rgba(9, 105, 218, 0.38)",
  select: "#fb8500",
  now: "#bc4c00",
  stale: "rgba(101, 109, 118, 0.28)",
  roles: {
    write: "#0969da",
    chunk: "#0a8f8f",
    sse: "#bf8700",
    error: "#e0520b",
    leak: "#d1242f",
    cleanup: "#1a7f37",
    abort: "#9a6700",
    lifecycle: "#8c959f",
    folded: "#6e7781",
    log: "#57606a",
    load: "#8250df",
  },
};

const dark: Palette = {
  bg: "#0d1117",
  fg: "#e6edf3",
  muted: "#8d96a0",
  grid: "#272d35",
  laneAlt: "#151b23",
  link: "rgba(88, 166, 255, 0.42)",
  select: "#ffa657",
  now: "#f0883e",
  stale: "rgba(139, 148, 158, 0.30)",
  roles: {
    write: "#58a6ff",
    chunk: "#39c5cf",
    sse: "#e3b341",
    error: "#f0883e",
    leak: "#ff5c5c",
    cleanup: "#3fb950",
    abort: "#d29922",
    lifecycle: "#6e7681",
    folded: "#8b949e",
    log: "#9da7b3",
    load: "#bc8cff",
  },
};

/** Reads the theme from `container`'s custom properties, falling back to the scheme's defaults. */
export function readTheme(container: HTMLElement, darkScheme: boolean): TimelineTheme {
  const style = getComputedStyle(container);
  const base = darkScheme ? dark : light;
  const read = (name: string, fallback: string) => style.getPropertyValue(`--tl-${name}`).trim() || fallback;
  const roles = { ...base.roles };
  for (const role of Object.keys(roles) as MarkRole[]) roles[role] = read(role, base.roles[role]);
  return {
    bg: read("bg", base.bg),
    fg: read("fg", base.fg),
    muted: read("muted", base.muted),
    grid: read("grid", base.grid),
    laneAlt: read("lane-alt", base.laneAlt),
    link: read("link", base.link),
    select: read("select", base.select),
    now: read("now", base.now),
    stale: read("stale", base.stale),
    roles,
    font: read("font", 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'),
  };
}
