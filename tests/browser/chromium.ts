/** Debian's Chromium, driven by playwright-core: the browser tests' only browser. */

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

/** Where screenshots from the browser tests are kept for people to look at. */
export const artifactsDir = join(import.meta.dir, "..", "..", "artifacts");

/** The flags every launch of it takes. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`browser tests need Debian's chromium at ${chromiumPath} (apt-get install -y chromium)`);
  mkdirSync(artifactsDir, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}
