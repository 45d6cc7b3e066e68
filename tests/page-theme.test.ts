import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { withTheme } from "../src/main/page-theme.ts";

const page = readFileSync(join(import.meta.dir, "..", "src", "webview", "index.html"), "utf8");
const rootTag = (html: string) => /<html[^>]*>/.exec(html)?.[0];

describe("the page's theme in its HTML", () => {
  test("a chosen theme is on the root element from the first frame; the system's is left to the stylesheet", () => {
    expect(
      [withTheme(page, "dark"), withTheme(page, "light"), withTheme(page, "system"), withTheme(page, undefined)].map(
        rootTag,
      ),
    ).toEqual([
      '<html data-theme="dark" lang="en">',
      '<html data-theme="light" lang="en">',
      '<html lang="en">',
      '<html lang="en">',
    ]);
  });
});
