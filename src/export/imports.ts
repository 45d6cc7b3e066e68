/**
 * The snippet's imports in a file that has to stand on its own. Nothing may come from the
 * playground itself; real packages and builtins stay. For Deno, specifiers are spelled the way
 * Deno resolves them: `npm:` for packages, `node:` for Node's builtins, file extensions on
 * relative paths. Bun's own modules (`bun`, `bun:sqlite`, …) are refused, unless only types come
 * from them.
 */

import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import type { ExportTarget } from "../contract/index.ts";
import { unsupportedAt } from "./refusal.ts";
import { type SnippetSyntax, startOf, ts } from "./snippet-syntax.ts";
import type { Remark } from "./target-build.ts";
import type { TextEdits } from "./text-edits.ts";

/** The playground's own source: a snippet importing from here would not run anywhere else. */
const playgroundSource = resolve(import.meta.dir, "..");

interface ImportSite {
  statement: ts.ImportDeclaration | ts.ExportDeclaration;
  specifier: ts.StringLiteral;
  typeOnly: boolean;
}

function importSites(syntax: SnippetSyntax): ImportSite[] {
  const sites: ImportSite[] = [];
  for (const statement of syntax.file.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      sites.push({ statement, specifier: statement.moduleSpecifier, typeOnly: isTypeOnly(statement) });
    }
  }
  return sites;
}

function isTypeOnly(statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(statement)) return statement.isTypeOnly;
  const clause = statement.importClause;
  return clause?.isTypeOnly === true;
}

export interface ImportOutcome {
  changes: Remark[];
  notes: Remark[];
}

export function checkImports(
  syntax: SnippetSyntax,
  snippetPath: string,
  target: ExportTarget,
  edits: TextEdits,
): ImportOutcome {
  const changes: Remark[] = [];
  const notes: Remark[] = [];
  const folder = dirname(resolve(snippetPath));
  for (const site of importSites(syntax)) {
    const spec = site.specifier.text;
    const at = startOf(syntax, site.statement);
    const resolved = resolveFrom(spec, folder);
    if (resolved && (resolved === playgroundSource || resolved.startsWith(playgroundSource + sep))) {
      throw unsupportedAt(
        syntax,
        site.specifier,
        `"${spec}" is part of the playground itself, which a standalone server cannot import`,
      );
    }
    const relativePath = spec.startsWith(".//") || spec.startsWith("../clients/") || spec.startsWith("/");
    if (relativePath && target === "deno" && /\.(html|css)$/.test(spec)) {
      throw unsupportedAt(
        syntax,
        site.specifier,
        `importing "${spec}" is Bun's bundler at work (HTML and CSS imports); Deno cannot import it. Export for Bun instead`,
      );
    }
    if (relativePath) {
      notes.push({
        text: `"${spec}" is a file of the snippet's own (in ${folder}): copy it beside the exported file`,
        at,
      });
      if (target === "deno") convertRelativeForDeno(syntax, edits, site, spec, resolved, folder, changes);
      continue;
    }
    if (target === "bun") continue;
    if (spec === "bun" || spec.startsWith("bun:")) {
      convertBunModuleForDeno(syntax, edits, site, spec, changes);
      continue;
    }
    if (/^(node|npm|jsr|https?|data|file):/.test(spec)) continue;
    const specifierRange = [startOf(syntax, site.specifier) + 1, site.specifier.end - 1] as const;
    if (isBuiltin(spec)) {
      edits.replace(...specifierRange, `node:${spec}`);
      changes.push({ text: `"${spec}" became "node:${spec}": Deno names Node's builtins with the node: prefix`, at });
      continue;
    }
    const npm = npmSpecifier(spec, folder);
    // Bun cannot load npm: specifiers, so the playground's check of the output runs without this edit.
    edits.replaceForTarget(...specifierRange, npm);
    changes.push({
      text: `"${spec}" became "${npm}", the version the playground ran with: Deno fetches npm packages by that prefix`,
      at,
    });
  }
  return { changes, notes };
}

function resolveFrom(spec: string, folder: string): string | undefined {
  try {
    return Bun.resolveSync(spec, folder);
  } catch {
    // Not resolvable here (a URL, a jsr: package): nothing of the playground's, and the load check already passed.
    return undefined;
  }
}

/** Deno needs the file's extension, which Bun lets a relative import leave out. */
function convertRelativeForDeno(
  syntax: SnippetSyntax,
  edits: TextEdits,
  site: ImportSite,
  spec: string,
  resolved: string | undefined,
  folder: string,
  changes: Remark[],
): void {
  if (!resolved || extname(spec) !== "" || spec.startsWith("/")) return;
  let withExtension = relative(folder, resolved).split(sep).join("/");
  if (!withExtension.startsWith(".")) withExtension = `./${withExtension}`;
  edits.replace(startOf(syntax, site.specifier) + 1, site.specifier.end - 1, withExtension);
  changes.push({
    text: `"${spec}" became "${withExtension}": Deno needs the file's extension`,
    at: startOf(syntax, site.statement),
  });
}

/**
 * `import { type Server } from "bun"` → `import type { Server } from "bun"`: Deno drops type-only imports; anything
 * else from Bun is refused.
 */
function convertBunModuleForDeno(
  syntax: SnippetSyntax,
  edits: TextEdits,
  site: ImportSite,
  spec: string,
  changes: Remark[],
): void {
  if (site.typeOnly) return;
  const statement = site.statement;
  const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
  const bindings = clause?.namedBindings;
  const allTypes =
    clause !== undefined &&
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly);
  if (!allTypes || !clause || !bindings || !ts.isNamedImports(bindings)) {
    throw unsupportedAt(
      syntax,
      site.specifier,
      `"${spec}" is Bun's own module, which Deno does not have; export for Bun instead`,
    );
  }
  edits.insert(startOf(syntax, clause), "type ");
  for (const element of bindings.elements) {
    const typeKeyword = element.getFirstToken(syntax.file);
    if (typeKeyword) edits.remove(startOf(syntax, typeKeyword), startOf(syntax, element.propertyName ?? element.name));
  }
  changes.push({
    text: `the import from "${spec}" became import type: Deno skips type-only imports, but would try to load "${spec}" for the other kind`,
    at: startOf(syntax, statement),
  });
}

/** `eventsource-parser` → `npm:eventsource-parser@4.1.3`, with the version installed beside the snippet. */
function npmSpecifier(spec: string, folder: string): string {
  const parts = spec.split("/");
  const nameLength = spec.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = parts.slice(nameLength).join("/");
  const version = installedVersion(name, folder);
  return `npm:${name}${version ? `@${version}` : ""}${subpath ? `/${subpath}` : ""}`;
}

function installedVersion(name: string, folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    // The nearest node_modules that has the package, as Node's resolution finds it.
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
      const version =
        parsed !== null && typeof parsed === "object" ? (parsed as { version?: unknown }).version : undefined;
      return typeof version === "string" ? version : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}
