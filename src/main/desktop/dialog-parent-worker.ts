/**
 * Runs on a thread of its own while a system dialog is open (the app's own thread is blocked in
 * Electrobun's dialog call): finds each new top-level window of this process and marks it
 * transient for the app's window (ICCCM 4.1.2.6), so window managers keep it above the window,
 * centre it there, and treat it as the window's dialog. Electrobun 1.18.1 creates its GTK dialogs
 * with no parent. It uses a display connection of its own: GTK's belongs to GTK's thread.
 */

import { openX11Display } from "./x11-windows.ts";

export interface DialogParentRequest {
  /** The app window's X window id, as a decimal string (a u64 does not cross `postMessage` as a number). */
  parent: string;
  /** This process: only its windows are dialogs of the app. */
  pid: number;
  /** Windows that existed before the dialog opened, as decimal strings: they are not the dialog. */
  existing: string[];
}

declare const self: Worker;

self.onmessage = async (message: MessageEvent<DialogParentRequest>) => {
  const { pid } = message.data;
  const parent = BigInt(message.data.parent);
  const existing = new Set(message.data.existing.map(BigInt));
  const display = openX11Display();
  const done = new Set<bigint>();
  // Until the app ends this worker, when its dialog call returns.
  while (true) {
    for (const window of display.topLevels()) {
      if (window === parent || existing.has(window) || done.has(window)) continue;
      // A window may show up before GTK has set its pid: look again next time.
      const owner = display.pidOf(window);
      if (owner === undefined) continue;
      done.add(window);
      if (owner === pid) display.setTransientFor(window, parent);
    }
    await Bun.sleep(15);
  }
};
