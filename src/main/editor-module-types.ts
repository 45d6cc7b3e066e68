/**
 * What one import of a snippet resolves to, for the editor (`GET /types/module`). The editor sees
 * only Bun's, Node's and the playground's declarations; the runner resolves a snippet's imports
 * from the snippet's own folder, where any package may be installed. So the editor asks, per import
 * it cannot resolve, and gets what the runner would find there: a package's declaration files (and
 * those of the packages they import), "resolves but has no types", or "missing" with the message a
 * load would fail with.
 */

import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, isAbsolute, join, sep } from "node:path";
import { type ModuleTypes, errorMessage } from "../contract/index.ts";
import { editorTypePackages } from "./editor-types.ts";

/** Bounds on one reply, so a package with a huge dependency tree cannot stall the editor. */
export interface ModuleTypesLimits {
  /** Declaration files in one reply, in bytes. */
  maxBytes: number;
  /** Packages in one reply (the imported one and the packages its declarations import). */
  maxPackages: number;
}

export const defaultModuleTypesLimits: ModuleTypesLimits = { maxBytes: 24_000_000, maxPackages: 60 };

/**
 * `hono` for `hono/streaming`, `@scope/pkg` for `@scope/pkg/sub`; undefined for relative, absolute and URL specifiers.
 */
export function packageNameOf(specifier: string): string | undefined {
  if (/^[./]/.test(specifier) || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const [first = "", second] = specifier.split("/");
  if (first.startsWith("@")) return first.length > 1 && second ? `${first}/${second}` : undefined;
  return first || undefined;
}

/**
 * The folder of package `name` as Node's lookup finds it from `dir`: the nearest `node_modules/<name>` with a
 * package.json.
 */
function findPackageDir(name: string, dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** `@types/scope__pkg` for `@scope/pkg`, as DefinitelyTyped names them. */
function typesPackageName(name: string): string {
  return `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
}

/** The package.json fields module resolution reads, and nothing else. */
function resolutionFields(packageJson: string): string {
  const parsed: unknown = JSON.parse(packageJson);
  if (parsed === null || typeof parsed !== "object") throw new Error("package.json is not an object");
  const fields = ["name", "version", "type", "main", "module", "types", "typings", "exports", "typesVersions"];
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([key]) => fields.includes(key))));
}

/**
 * Every declaration file in a package's folder, not those of its nested node_modules; undefined
 * as soon as they pass `budget` bytes, before reading the rest.
 */
async function declarationsIn(
  dir: string,
  budget: number,
): Promise<{ files: Map<string, string>; bytes: number } | undefined> {
  const files = new Map<string, string>();
  let bytes = 0;
  for await (const rel of new Bun.Glob("**/*.d.{ts,mts,cts}").scan({ cwd: dir, onlyFiles: true })) {
    if (rel.split(/[\\/]/).includes("node_modules")) continue;
    const file = Bun.file(join(dir, rel));
    bytes += file.size;
    if (bytes > budget) return undefined;
    files.set(rel.split(sep).join("/"), await file.text());
  }
  return { files, bytes };
}

/** Bare package names a declaration file imports or references. */
async function importedPackages(text: string): Promise<string[]> {
  // Loaded on first use (~200 ms), as the export does: most sessions never import a package.
  const { default: ts } = await import("typescript");
  const info = ts.preProcessFile(text, true, true);
  const names = [...info.importedFiles, ...info.typeReferenceDirectives].map((ref) => packageNameOf(ref.fileName));
  return names.filter((name): name is string => name !== undefined);
}

/**
 * The declarations of package `name` as found from `dir` (its own, or its `@types` package), and of
 * the packages they import, by editor path. Empty when it has none.
 */
async function collectPackageTypes(
  name: string,
  dir: string,
  limits: ModuleTypesLimits,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  let bytes = 0;
  let packages = 0;
  // The editor has these already; `bun` is declared by bun-types.
  const seen = new Set<string>([...editorTypePackages, "bun"]);
  const queue: { name: string; from: string }[] = [{ name, from: dir }];
  for (let item = queue.shift(); item && packages < limits.maxPackages; item = queue.shift()) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    const budget = limits.maxBytes - bytes;
    let packageDir = findPackageDir(item.name, item.from);
    let declarations = packageDir ? await declarationsIn(packageDir, budget) : undefined;
    let editorName = item.name;
    if (declarations?.files.size === 0 || !packageDir) {
      const typesName = typesPackageName(item.name);
      if (seen.has(typesName)) continue;
      seen.add(typesName);
      packageDir = findPackageDir(typesName, item.from);
      declarations = packageDir ? await declarationsIn(packageDir, budget) : undefined;
      editorName = typesName;
    }
    // No declarations, or more than the reply has room for.
    if (!packageDir || !declarations || declarations.files.size === 0) continue;
    bytes += declarations.bytes;
    packages++;
    files[`file:///node_modules/${editorName}/package.json`] = resolutionFields(
      await Bun.file(join(packageDir, "package.json")).text(),
    );
    for (const [rel, text] of declarations.files) {
      files[`file:///node_modules/${editorName}/${rel}`] = text;
      for (const imported of await importedPackages(text)) queue.push({ name: imported, from: packageDir });
    }
  }
  return files;
}

/** What `specifier`, imported by the snippet at `from`, resolves to, with the types the editor needs. */
export async function resolveModuleTypes(
  specifier: string,
  from: string,
  limits = defaultModuleTypesLimits,
): Promise<ModuleTypes> {
  const dir = dirname(from);
  const name = packageNameOf(specifier);
  const packageDir = name === undefined ? undefined : findPackageDir(name, dir);
  if (name !== undefined && packageDir !== undefined) {
    const files = await collectPackageTypes(name, dir, limits);
    return Object.keys(files).length > 0 ? { kind: "package", name, files } : { kind: "untyped" };
  }
  try {
    Bun.resolveSync(specifier, dir);
    return { kind: "untyped" };
  } catch (error) {
    return { kind: "missing", message: errorMessage(error) };
  }
}

/** `GET /types/module?specifier=…&from=…`: `from` is the snippet's absolute path. */
export async function serveModuleTypes(url: URL, limits = defaultModuleTypesLimits): Promise<Response> {
  const specifier = url.searchParams.get("specifier");
  const from = url.searchParams.get("from");
  const headers = { "cache-control": "no-store" };
  if (!specifier || specifier.length > 1000)
    return new Response("specifier must be a module specifier\n", { status: 400, headers });
  if (!from || !isAbsolute(from))
    return new Response("from must be the snippet's absolute path\n", { status: 400, headers });
  if (!(await stat(dirname(from)).catch(() => undefined))?.isDirectory()) {
    return Response.json(
      { kind: "missing", message: `the snippet's folder ${dirname(from)} does not exist` } satisfies ModuleTypes,
      { headers },
    );
  }
  try {
    return Response.json(await resolveModuleTypes(specifier, from, limits), { headers });
  } catch (error) {
    const message = errorMessage(error);
    return new Response(`the types of ${specifier} could not be read from ${dirname(from)}: ${message}\n`, {
      status: 500,
      headers,
    });
  }
}
