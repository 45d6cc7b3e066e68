/**
 * Where the desktop window opens: where it was last time, if that place is still on a screen;
 * otherwise a comfortable size centred on the primary screen, never larger than its work area.
 */

export interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenArea {
  /** The part of the screen windows may use (without panels and docks). */
  workArea: Frame;
  isPrimary: boolean;
}

/** The size the window prefers when the screen has room for it. */
export const preferredSize = { width: 1440, height: 900 } as const;
/** Used when no screen reports its size (a headless display without RandR, say). */
export const fallbackFrame: Frame = { x: 80, y: 60, width: 1280, height: 800 };
/** A saved window that shows less than this much of itself on every screen is not "on a screen". */
const minVisible = 120;
const minSize = { width: 640, height: 400 } as const;

function overlap(a: Frame, b: Frame): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

export function placeWindow(saved: Frame | undefined, screens: readonly ScreenArea[]): Frame {
  const usable = screens.filter((screen) => screen.workArea.width > 0 && screen.workArea.height > 0);
  if (saved && saved.width >= minSize.width && saved.height >= minSize.height) {
    const onScreen = usable.some((screen) => {
      const seen = overlap(saved, screen.workArea);
      return seen.width >= minVisible && seen.height >= minVisible;
    });
    if (onScreen || usable.length === 0) return saved;
  }
  const primary = usable.find((screen) => screen.isPrimary) ?? usable[0];
  if (!primary) return fallbackFrame;
  const area = primary.workArea;
  const width = Math.min(preferredSize.width, Math.round(area.width * 0.92));
  const height = Math.min(preferredSize.height, Math.round(area.height * 0.92));
  return {
    x: area.x + Math.round((area.width - width) / 2),
    y: area.y + Math.round((area.height - height) / 2),
    width,
    height,
  };
}
