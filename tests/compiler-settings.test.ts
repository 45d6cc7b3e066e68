/**
 * Each side is compiled with what it really has: the Bun side (runner, host, CLI and what they
 * share) with Bun's types and no DOM, the page with the DOM and no Bun. A line that uses the other
 * side's API is a compile error, checked here by compiling one line placed in each folder.
 */

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import ts from "typescript";

const root = join(import.meta.dir, "..");

/** The compiler's messages for `line`, compiled as a file in `folder` under the settings of `tsconfig`. */
function diagnosticsFor(tsconfig: string, folder: string, line: string): string[] {
  const configPath = join(root, tsconfig);
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!config) throw new Error(`cannot read ${tsconfig}`);
  const probe = join(root, folder, "compiler-settings-probe.ts");
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => file === probe || ts.sys.fileExists(file);
  host.readFile = (file) => (file === probe ? `${line}\nexport {};\n` : readFile(file));
  host.getSourceFile = (file, language, onError) =>
    file === probe
      ? ts.createSourceFile(file, `${line}\nexport {};\n`, language)
      : getSourceFile(file, language, onError);
  const program = ts.createProgram({
    rootNames: [probe],
    options: { ...config.options, configFilePath: configPath },
    host,
  });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probe))
    .filter((diagnostic) => diagnostic.file?.fileName === probe)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

describe("each side compiles with its own runtime's API and no other", () => {
  test("the runner may use Bun and not the DOM", () => {
    expect(diagnosticsFor("tsconfig.json", "src/runner", "const served = Bun.serve; void served;")).toEqual([]);
    expect(diagnosticsFor("tsconfig.json", "src/runner", "const body = document.body; void body;")).toEqual([
      expect.stringContaining("Cannot find name 'document'"),
    ]);
  });

  test("the host may use Bun and not the DOM", () => {
    expect(
      diagnosticsFor("tsconfig.json", "src/main", "const element: HTMLElement | undefined = undefined; void element;"),
    ).toEqual([expect.stringContaining("Cannot find name 'HTMLElement'")]);
  });

  test("the page may use the DOM and not Bun", () => {
    expect(
      diagnosticsFor("src/webview/tsconfig.json", "src/webview", "const body = document.body; void body;"),
    ).toEqual([]);
    expect(
      diagnosticsFor("src/webview/tsconfig.json", "src/webview", "const served = Bun.serve; void served;"),
    ).toEqual([expect.stringContaining("Cannot find name 'Bun'")]);
    expect(diagnosticsFor("src/webview/tsconfig.json", "src/webview", "const pid = process.pid; void pid;")).toEqual([
      expect.stringContaining("Cannot find name 'process'"),
    ]);
  });

  test("every file under src/ is checked by the settings of the side it runs on; the contract and the lenses by both", () => {
    const foldersIn = (tsconfig: string) => {
      const config = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), undefined, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      });
      return new Set(
        config?.fileNames.map((file) => /\/src\/([^/]+)\//.exec(file)?.[1]).filter((folder) => folder !== undefined),
      );
    };
    expect([...foldersIn("src/webview/tsconfig.json")].sort()).toEqual(["contract", "expect", "lenses", "webview"]);
    expect([...foldersIn("tsconfig.json")].sort()).toEqual([
      "cli",
      "clients",
      "contract",
      "expect",
      "export",
      "lenses",
      "main",
      "runner",
      "shared",
      "supervisor",
      "testing",
    ]);
  });
});
