/**
 * The desktop app: the host, and one Electrobun window pointed at its page. Only this file imports
 * `electrobun/bun`: that import starts a socket server, reads files and replaces `process.exit`,
 * so nothing that tests or browser mode load may reach it.
 */

import Electrobun, { BrowserWindow, Utils } from "electrobun/bun";
import { basename } from "node:path";
import { startHost } from "../host-server.ts";
import { desktopReadyLine } from "./start-desktop.ts";

const defaultFrame = { x: 80, y: 60, width: 1440, height: 900 };

let window: BrowserWindow | undefined;
let quitting = false;

const host = await startHost({
  port: 0,
  session: {
    dialogs: {
      async openFile() {
        const [path] = await Utils.openFileDialog({ canChooseFiles: true, canChooseDirectory: false, allowsMultipleSelection: false, allowedFileTypes: "ts,tsx,js,mjs,mts" });
        return path ? path : undefined;
      },
      // Electrobun 1.18.1 has no save dialog: pick a folder, and the file keeps its suggested name.
      async saveFile(suggestedName: string) {
        const [folder] = await Utils.openFileDialog({ canChooseFiles: false, canChooseDirectory: true, allowsMultipleSelection: false });
        return folder ? `${folder}/${basename(suggestedName)}` : undefined;
      },
    },
    onTitle: (title: string) => window?.setTitle(title),
  },
});

function openWindow(): BrowserWindow {
  const frame = host.session.workspace()?.settings.window ?? defaultFrame;
  const opened = new BrowserWindow({ title: "Stream Playground", url: host.launchUrl, frame });
  opened.on("close", () => {
    window = undefined;
    if (!quitting) Utils.quit();
  });
  return opened;
}

/** Quits for real: remembers the window's place and stops the host (and with it the runner). */
function quitNow(): void {
  quitting = true;
  const frame = window?.getFrame();
  void (frame ? host.session.updateSettings({ window: frame }) : Promise.resolve())
    .then(() => host.stop())
    .finally(() => Utils.quit());
}

/** Asks about unsaved edits, then saves, keeps them as a draft, or goes back to editing. */
async function askBeforeQuitting(): Promise<void> {
  const { response } = await Utils.showMessageBox({
    type: "question",
    title: "Unsaved changes",
    message: "Save your changes before quitting?",
    detail: "Unsaved edits are also kept as a draft and come back the next time you start the playground.",
    buttons: ["Save", "Keep as draft", "Cancel"],
    defaultId: 0,
    cancelId: 2,
  });
  if (response === 0) await host.session.saveAll();
  if (response === 0 || response === 1) return quitNow();
  // Cancel: the window is gone when the quit came from closing it; bring it back, edits and all.
  window ??= openWindow();
}

Electrobun.events.on("before-quit", (event: { response?: { allow: boolean } }) => {
  if (quitting) return;
  // The answer must be given now, the question takes a while: hold the quit and ask.
  event.response = { allow: false };
  if (host.session.hasUnsavedChanges()) void askBeforeQuitting();
  else quitNow();
});

window = openWindow();
console.log(desktopReadyLine);
