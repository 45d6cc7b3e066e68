/**
 * Puts the system dialogs Electrobun opens under the app's window on Linux (see
 * `dialog-parent-worker.ts`): for as long as `run` takes, a worker thread marks each new window of
 * this process transient for the app's window. Electrobun's dialog calls block this thread, so the
 * work cannot happen here. Elsewhere, and when anything about it fails, the dialog simply opens
 * as Electrobun opens it.
 */

import type { Pointer } from "bun:ffi";
import type { DialogParentRequest } from "./dialog-parent-worker.ts";
import { x11WindowOf } from "./linux-window.ts";
import { openX11Display } from "./x11-windows.ts";
import { errorMessage } from "../../contract/index.ts";

export async function withDialogParent<T>(window: Pointer | null | undefined, run: () => Promise<T>): Promise<T> {
  let worker: Worker | undefined;
  if (process.platform === "linux" && window) {
    try {
      const parent = x11WindowOf(window);
      const display = openX11Display();
      const existing = display.topLevels();
      display.close();
      worker = new Worker(new URL("./dialog-parent-worker.ts", import.meta.url));
      const request: DialogParentRequest = { parent: String(parent), pid: process.pid, existing: existing.map(String) };
      worker.postMessage(request);
    } catch (error) {
      console.error(`Stream Playground: the dialog will not be tied to the window: ${errorMessage(error)}`);
    }
  }
  try {
    return await run();
  } finally {
    worker?.terminate();
  }
}
