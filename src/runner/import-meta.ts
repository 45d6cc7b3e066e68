/**
 * A snippet runs as a virtual module beside its file (`events.v3.snippet.ts` next to
 * `events.ts`), so Bun's `import.meta.path`, `url`, `file`, `dir` and their Node aliases would
 * name a file that does not exist: `new Response(Bun.file(import.meta.path))`, from Bun's docs,
 * would answer ENOENT. They are rewritten to name the snippet's own file, as under plain `bun`.
 *
 * The rewrite keeps every line where it was (error positions are the editor's): each access
 * becomes a call to a function declared after the last line, which module code can call from
 * anywhere since function declarations are hoisted.
 */

import { basename, dirname } from "node:path";
import { pathToFileURL } from "node:url";

const helper = "__streamPlaygroundImportMeta";
const access = /\bimport\.meta\s*\.\s*(path|url|file|filename|dir|dirname)\b/g;

/** `source` with `import.meta`'s file fields naming `snippetPath`; unchanged when it uses none. */
export function withSnippetImportMeta(source: string, snippetPath: string): string {
  if (!access.test(source)) return source;
  access.lastIndex = 0;
  const fields = {
    path: snippetPath,
    filename: snippetPath,
    url: pathToFileURL(snippetPath).href,
    file: basename(snippetPath),
    dir: dirname(snippetPath),
    dirname: dirname(snippetPath),
  };
  const rewritten = source.replace(access, (_all, field: string) => `${helper}().${field}`);
  return `${rewritten}\n;function ${helper}() { return ${JSON.stringify(fields)}; }\n`;
}
