/**
 * The desktop app: one window showing the same page as browser mode, served by the host on
 * 127.0.0.1 (so Monaco's workers load as in any browser, and both modes share one transport).
 */

import type { ElectrobunConfig } from "electrobun";

export default {
  app: {
    name: "Stream Playground",
    identifier: "dev.stream-playground.app",
    version: "0.1.0",
    description: "See what a streaming HTTP handler really does.",
  },
  build: {
    bun: { entrypoint: "src/main/desktop/entry.ts" },
    // The host serves these at run time; the runner is started from its own file.
    copy: {
      src: "src",
      assets: "assets",
      "package.json": "package.json",
      "node_modules/monaco-editor/min": "node_modules/monaco-editor/min",
      "node_modules/bun-types": "node_modules/bun-types",
      "node_modules/@types/node": "node_modules/@types/node",
      "node_modules/undici-types": "node_modules/undici-types",
      "node_modules/eventsource-parser": "node_modules/eventsource-parser",
      "node_modules/typescript": "node_modules/typescript",
    },
    linux: { bundleCEF: false, icon: "assets/icon.png" },
    mac: { bundleCEF: false },
  },
  runtime: {
    // Closing the window is a quit request, asked about first when there are unsaved edits.
    exitOnLastWindowClosed: false,
  },
} satisfies ElectrobunConfig;
