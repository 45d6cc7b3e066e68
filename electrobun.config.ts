/**
 * The desktop app: one window showing the same page as browser mode, served by the host on
 * 127.0.0.1 (so Monaco's workers load as in any browser, and both modes share one transport).
 *
 * Two builds come from this file:
 * - `npm start` builds a small app (Electrobun's runtime and a tiny entry) that runs the project's
 *   own files, so editing the playground needs no rebuild;
 * - `npm run build:desktop` (which sets `STREAM_PLAYGROUND_APP=self-contained`) builds an app that
 *   carries everything it runs, the project's Bun for the runner included, under `build/app/`.
 */

import type { ElectrobunConfig } from "electrobun";

const selfContained = process.env.STREAM_PLAYGROUND_APP === "self-contained";

/** What the self-contained app copies in: what the host serves and what the runner runs on. */
const appFiles = {
  src: "src",
  assets: "assets",
  "package.json": "package.json",
  "node_modules/monaco-editor/min": "node_modules/monaco-editor/min",
  "node_modules/bun-types": "node_modules/bun-types",
  "node_modules/@types/node": "node_modules/@types/node",
  "node_modules/undici-types": "node_modules/undici-types",
  "node_modules/eventsource-parser": "node_modules/eventsource-parser",
  "node_modules/typescript": "node_modules/typescript",
  // The runner needs the Bun the snippet loader is built for, not the one Electrobun bundles.
  "node_modules/bun/package.json": "node_modules/bun/package.json",
  "node_modules/bun/bin/bun.exe": "node_modules/bun/bin/bun.exe",
};

export default {
  app: {
    name: "Stream Playground",
    identifier: "dev.stream-playground.app",
    version: "0.1.0",
    description: "See what a streaming HTTP handler really does.",
  },
  build: {
    bun: { entrypoint: "src/main/desktop/index.ts" },
    ...(selfContained ? { buildFolder: "build/app", copy: appFiles } : {}),
    linux: { bundleCEF: false, icon: "assets/icon.png" },
    mac: { bundleCEF: false },
  },
  runtime: {
    // Closing the window is a quit request, asked about first when there are unsaved edits.
    exitOnLastWindowClosed: false,
  },
} satisfies ElectrobunConfig;
