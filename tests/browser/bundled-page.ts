/**
 * A page for testing one part of the app in Chromium on its own: a script that imports the page's
 * modules by path, bundled for the browser as the app's page is, inline in a document of its own.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BundledPageOptions {
  /** The page's script: ES module source whose imports name the app's files by absolute path. */
  entrySource: string;
  /** The document's body, before the script. */
  body: string;
  style: string;
  /** Says what failed to bundle. */
  name: string;
}

/** The page's HTML, for `page.setContent`. */
export async function bundledPage(options: BundledPageOptions): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "bundled-page-"));
  try {
    writeFileSync(join(dir, "entry.js"), options.entrySource);
    const build = await Bun.build({ entrypoints: [join(dir, "entry.js")], target: "browser" });
    if (!build.success) throw new AggregateError(build.logs, `${options.name} did not bundle`);
    const script = (await build.outputs[0]!.text()).replaceAll("</script", "<\\/script");
    return `<!doctype html><meta charset="utf-8"><style>${options.style}</style>${options.body}<script type="module">${script}</script>`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
