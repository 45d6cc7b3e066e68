/**
 * The examples menu: every `assets/examples/NN-name.ts` with its lesson `NN-name.md` beside it.
 * A lesson's try line (`src/shared/lesson-try.ts`) is the request the client controls are set to
 * when it opens.
 */

import { Glob } from "bun";
import { basename, join } from "node:path";
import { type ClientRequestSettings, definedFields, type ExampleInfo } from "../contract/index.ts";
import { lessonTryArgs, type TraceArgs, traceSettingsOfArgs } from "../shared/index.ts";

export const examplesDir = join(import.meta.dir, "..", "..", "assets", "examples");

/**
 * The request a lesson's try line describes; another server's URL takes the path's place, as in the client controls.
 */
function requestFrom(args: TraceArgs | undefined): ClientRequestSettings {
  if (!args) return {};
  const { url, path, durationMs: _duration, cleanupGraceMs: _grace, ...request } = traceSettingsOfArgs(args);
  return { ...definedFields(request), ...definedFields({ path: url ?? path }) };
}

/** Every example, in file-name order. */
export async function listExamples(dir = examplesDir): Promise<ExampleInfo[]> {
  const files = [...new Glob("*.ts").scanSync({ cwd: dir })].sort();
  return Promise.all(
    files.map(async (file) => {
      const id = basename(file, ".ts");
      const source = await Bun.file(join(dir, file)).text();
      const lessonFile = Bun.file(join(dir, `${id}.md`));
      const markdown = (await lessonFile.exists()) ? await lessonFile.text() : "";
      const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? id.replace(/^\d+-/, "").replaceAll("-", " ");
      return {
        id,
        title,
        source,
        lessonHtml: markdown ? Bun.markdown.html(markdown) : "",
        request: requestFrom(lessonTryArgs(markdown)),
      };
    }),
  );
}
