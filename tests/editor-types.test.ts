/**
 * The outside oracle for the editor's types: TypeScript's own compiler (`tsc`'s API), with the
 * project's bun-types and the options the editor is given, must accept every snippet Bun runs, and
 * reject real mistakes. The browser test (tests/browser/editor-types.test.ts) checks that Monaco
 * agrees with it.
 */

import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { denoEditorDeclarations } from "../src/main/editor-deno-types.ts";
import { collectEditorTypes, editorCompilerOptions, snippetCompilerOptions } from "../src/main/editor-types.ts";
import { loadSnippetCorpus, mistakenSnippet, type CorpusSnippet } from "./support/snippet-corpus.ts";

const root = join(import.meta.dir, "..");
const nodeModules = join(root, "node_modules");
/** Snippets live in memory at paths inside the project, so their imports resolve from its node_modules. */
const virtualDir = join(root, ".snippet-corpus");
const denoPath = join(virtualDir, "deno.d.ts");

/** A program over in-memory `sources` (by path) and the playground's Deno declarations. */
function createProgram(sources: Map<string, string>, json: Record<string, unknown> = snippetCompilerOptions) {
  const { options, errors } = ts.convertCompilerOptionsFromJson(json, root);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, "\n"));
  const files = new Map([...sources, [denoPath, denoEditorDeclarations]]);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = files.get(fileName);
    return text === undefined
      ? getSourceFile.call(host, fileName, language, ...rest)
      : ts.createSourceFile(fileName, text, language);
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile.call(host, fileName);
  return ts.createProgram({ rootNames: [...files.keys()], options, host });
}

/** Each file's errors as `line N: message`. */
function errorsOf(program: ts.Program, fileName: string): string[] {
  const file = program.getSourceFile(fileName);
  if (!file) throw new Error(`${fileName} is not in the program`);
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map(
      (d) =>
        `line ${file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
    );
}

function virtualPath(index: number): string {
  return join(virtualDir, `snippet-${index}.ts`);
}

let corpus: CorpusSnippet[];
beforeAll(async () => {
  corpus = await loadSnippetCorpus();
});

describe("snippets as tsc checks them with bun-types and the editor's options", () => {
  test("the corpus has every lesson, the starter snippet and the documented Bun and Deno snippets", () => {
    const names = corpus.map((snippet) => snippet.name);
    expect({
      starter: names.includes("the starter snippet"),
      lessons: names.filter((name) => name.startsWith("assets/examples/")).length,
      bun: names.filter((name) => /documented\/(bun|node)-/.test(name)).length >= 8,
      deno: names.filter((name) => /documented\/deno-/.test(name)).length >= 4,
    }).toEqual({
      starter: true,
      lessons: readdirSync(join(import.meta.dir, "..", "assets", "examples")).filter((name) => name.endsWith(".ts"))
        .length,
      bun: true,
      deno: true,
    });
  });

  test("every snippet type-checks without an error", () => {
    const program = createProgram(new Map(corpus.map((snippet, i) => [virtualPath(i), snippet.source])));
    const errors = Object.fromEntries(corpus.map((snippet, i) => [snippet.name, errorsOf(program, virtualPath(i))]));
    expect(errors).toEqual(Object.fromEntries(corpus.map((snippet) => [snippet.name, []])));
  }, 60_000);

  test("a snippet with real mistakes has an error at each", () => {
    const path = virtualPath(0);
    const program = createProgram(new Map([[path, mistakenSnippet]]));
    const file = program.getSourceFile(path)!;
    const positions = program.getSemanticDiagnostics(file).map((d) => file.getLineAndCharacterOfPosition(d.start ?? 0));
    // `"x"` is no status (the `status` property, line 2 column 32) and `42` no body (line 3 column 23).
    expect(positions.map(({ line, character }) => `${line + 1}:${character + 1}`).sort()).toEqual(["2:32", "3:23"]);
  }, 60_000);

  test("with the DOM lib, as the editor had it, Bun's generator bodies are errors", () => {
    const generator = corpus.find((snippet) => snippet.name.endsWith("01-generator-body.ts"))!;
    const path = virtualPath(0);
    const program = createProgram(new Map([[path, generator.source]]), {
      ...snippetCompilerOptions,
      lib: ["ESNext", "DOM", "DOM.Iterable"],
    });
    expect(
      errorsOf(program, path).map((error) => error.replace(/'[^']*AsyncGenerator[^']*'/, "'AsyncGenerator'")),
    ).toEqual([
      "line 6: Argument of type 'AsyncGenerator' is not assignable to parameter of type 'BodyInit | null | undefined'.",
    ]);
  }, 60_000);
});

describe("the playground's Deno declarations", () => {
  test("type-check on their own", () => {
    const program = createProgram(new Map(), { ...snippetCompilerOptions, skipLibCheck: false });
    const file = program.getSourceFile(denoPath)!;
    expect(
      program.getSemanticDiagnostics(file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")),
    ).toEqual([]);
  }, 60_000);

  test("declare only what the runner provides: a handler's info has no `completed`", () => {
    const path = virtualPath(0);
    const program = createProgram(
      new Map([
        [
          path,
          `Deno.serve((req, info) => {\n  void info.completed;\n  return new Response(info.remoteAddr.hostname);\n});\n`,
        ],
      ]),
    );
    expect(errorsOf(program, path)).toEqual([
      "line 2: Property 'completed' does not exist on type 'ServeHandlerInfo'.",
    ]);
  }, 60_000);
});

describe("where Deno and Bun differ, the editor says what holds here", () => {
  test("a timer typed as a number, as Deno's docs write it, is told that Bun's setInterval returns a Timer", () => {
    const path = virtualPath(0);
    const program = createProgram(
      new Map([
        [path, `let timer: number | undefined;\ntimer = setInterval(() => {}, 1000);\nclearInterval(timer);\n`],
      ]),
    );
    expect(errorsOf(program, path)).toEqual(["line 2: Type 'Timeout' is not assignable to type 'number'."]);
  }, 60_000);
});

describe("what the editor is given", () => {
  test("the compiler options are the tsconfig options as TypeScript parses them, with the editor's type root", () => {
    const { options, errors } = ts.convertCompilerOptionsFromJson(snippetCompilerOptions, root);
    expect({ errors, options: editorCompilerOptions as ts.CompilerOptions }).toEqual({
      errors: [],
      options: { ...options, typeRoots: ["file:///node_modules"] },
    });
    // Bun's values, not merely some: ESNext without the DOM, a module with imports kept as written.
    expect({
      lib: options.lib,
      target: options.target,
      module: options.module,
      moduleResolution: options.moduleResolution,
    }).toEqual({
      lib: ["lib.esnext.d.ts"],
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.Preserve,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    });
  });

  test("the declaration files are those tsc loads for bun-types, and nothing that adds globals", async () => {
    const program = createProgram(new Map([[virtualPath(0), "export {};\n"]]));
    const realNodeModules = `${(await import("node:fs")).realpathSync(nodeModules)}/`;
    const editorPath = (fileName: string) => `file:///node_modules/${fileName.slice(realNodeModules.length)}`;
    const loadedByTsc = program
      .getSourceFiles()
      .filter((file) => !program.isSourceFileDefaultLibrary(file))
      .map((file) => file.fileName)
      .filter((fileName) => fileName.startsWith(realNodeModules))
      // Copies the editor leaves out: @types/bun is bun-types again (an older version another package
      // depends on, reached through bun-types' own `import "bun"`, which the editor answers with
      // bun-types' `declare module "bun"`), and nested node_modules hold other versions of a package.
      .filter(
        (fileName) =>
          !fileName.startsWith(`${realNodeModules}@types/bun/`) &&
          !fileName.slice(realNodeModules.length).includes("/node_modules/"),
      )
      .map(editorPath);
    const editorFiles = await collectEditorTypes(nodeModules);
    const missing = loadedByTsc.filter((path) => !(path in editorFiles));
    // Extra files are roots of the editor's program: harmless only if they are modules that declare no globals.
    const extra = Object.keys(editorFiles).filter(
      (path) => !loadedByTsc.includes(path) && path !== "file:///stream-playground/deno.d.ts",
    );
    const addsGlobals = extra.filter((path) => {
      const file = ts.createSourceFile(path, editorFiles[path]!, ts.ScriptTarget.ESNext, true);
      return !ts.isExternalModule(file) || /\bdeclare\s+global\b/.test(editorFiles[path]!);
    });
    expect({ missing, addsGlobals, deno: typeof editorFiles["file:///stream-playground/deno.d.ts"] }).toEqual({
      missing: [],
      addsGlobals: [],
      deno: "string",
    });
  }, 60_000);
});
