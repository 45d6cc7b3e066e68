/**
 * The page's script and styles, bundled in memory when the host starts. A build that fails is
 * kept as a failure with its messages, so the host can show what went wrong instead of dying.
 */

import { dirname, join, relative, resolve } from "node:path";
import { errorMessage } from "../contract/index.ts";

/**
 * What the build produced: the script, the styles it imported, and the `app.css` beside the entry
 * when the script does not import it (served as the file is now, so editing it needs no restart).
 */
export type WebviewBundle =
  | {
      ok: true;
      js: string;
      map?: string | undefined;
      css?: string | undefined;
      appCss?: string | undefined;
      /** The files the build read (absolute paths), by which a kept build is checked (files/page-build.ts). */
      inputs: string[];
    }
  | { ok: false; message: string };

/** Where the page finds the script's source map (the host serves it beside the script). */
export const sourceMapPath = "/app.js.map";

/** Formats a build log as `file:line:column: message`, the way an editor can jump to it. */
function describeLog(log: BuildMessage | ResolveMessage, root: string): string {
  const at = log.position;
  if (!at) return log.message;
  return `${relative(root, at.file) || at.file}:${at.line}:${at.column}: ${log.message}`;
}

/** Bundles `entry` for the browser. */
export async function buildWebview(
  entry: string,
  root = process.cwd(),
  /** Where the script's source map is served; none is named when undefined (a worker's script). */
  mapPath: string | undefined = sourceMapPath,
): Promise<WebviewBundle> {
  let result: Awaited<ReturnType<typeof Bun.build>>;
  try {
    // `throw: false`: Bun 1.4 rejects with an AggregateError by default; the result keeps every log.
    // Minified, with the source map apart: the page's script is ~100 KiB instead of ~800 KiB (most
    // of it an inline map) for the browser to fetch and scan at every start; devtools fetch the map.
    result = await Bun.build({
      entrypoints: [entry],
      target: "browser",
      format: "esm",
      sourcemap: "external",
      minify: true,
      metafile: true,
      throw: false,
    });
  } catch (error) {
    return {
      ok: false,
      message: `building ${relative(root, entry)} failed: ${errorMessage(error)}`,
    };
  }
  if (!result.success) {
    const errors = result.logs.filter((log) => log.level === "error").map((log) => describeLog(log, root));
    return {
      ok: false,
      message: `building ${relative(root, entry)} failed:\n${errors.join("\n") || "(the bundler gave no reason)"}`,
    };
  }
  const script = result.outputs.find((output) => output.kind === "entry-point");
  if (!script) return { ok: false, message: `building ${relative(root, entry)} produced no script` };
  const map = result.outputs.find((output) => output.kind === "sourcemap");
  const styles = result.outputs.filter((output) => output.path.endsWith(".css"));
  const css = styles.length > 0 ? (await Promise.all(styles.map((output) => output.text()))).join("\n") : undefined;
  // The metafile names inputs relative to the working directory.
  const inputs = Object.keys(result.metafile?.inputs ?? {}).map((input) => resolve(input));
  const appCss = join(dirname(resolve(entry)), "app.css");
  const js = await script.text();
  return {
    ok: true,
    js: map && mapPath !== undefined ? `${js}\n//# sourceMappingURL=${mapPath}\n` : js,
    map: map ? await map.text() : undefined,
    css,
    appCss: inputs.includes(appCss) ? undefined : appCss,
    inputs,
  };
}
