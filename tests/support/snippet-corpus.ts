/**
 * The snippets the editor must accept without an error: every lesson, the starter snippet, and
 * snippets written from Bun's and Deno's documented streaming APIs
 * (tests/fixtures/snippets/documented) and from the SDKs' and the platform's docs for the wire and
 * endings tests (tests/fixtures/wire, tests/fixtures/endings). Shared by the tsc check and the browser test, so both
 * judge the same code.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { starterSnippet } from "../../src/main/files/index.ts";

export interface CorpusSnippet {
  /** Where it comes from, for messages: `assets/examples/01-generator-body.ts`. */
  name: string;
  source: string;
}

const root = join(import.meta.dir, "..", "..");
const folders = [
  "assets/examples",
  "tests/fixtures/snippets/documented",
  "tests/fixtures/wire",
  "tests/fixtures/endings",
];

export async function loadSnippetCorpus(): Promise<CorpusSnippet[]> {
  const snippets: CorpusSnippet[] = [{ name: "the starter snippet", source: starterSnippet }];
  for (const folder of folders) {
    for (const file of readdirSync(join(root, folder))
      .filter((name) => name.endsWith(".ts"))
      .sort()) {
      snippets.push({ name: `${folder}/${file}`, source: await Bun.file(join(root, folder, file)).text() });
    }
  }
  return snippets;
}

/**
 * A snippet with real mistakes: a status is no string, and a number is no body (on lines of their
 * own: TypeScript reports only the first wrong argument of a call). The editor and tsc must both
 * reject it, or their silence about the rest proves nothing.
 */
export const mistakenSnippet = `export default function () {
  const init: ResponseInit = { status: "x" };
  return new Response(42, init);
}
`;
