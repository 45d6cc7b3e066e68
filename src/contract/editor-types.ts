/**
 * What the host gives the editor's TypeScript service: the compiler options and declaration files
 * snippets are checked with (`GET /types/editor.json`), and, on demand, what one import of a snippet
 * resolves to from the snippet's folder (`GET /types/module?specifier=…&from=…`).
 */

/** A compiler option's value once TypeScript has parsed it from tsconfig form (enums are numbers). */
export type CompilerOptionValue = string | number | boolean | string[];

/** `GET /types/editor.json`. */
export interface EditorTypes {
  /** Parsed by TypeScript from the same tsconfig-form options `tsc` checks snippets with. */
  compilerOptions: Record<string, CompilerOptionValue>;
  /** Declaration files by the path the editor gives each (`file:///node_modules/<pkg>/<path>`). */
  files: Record<string, string>;
}

/** How the runtime resolves one import of a snippet, as the editor needs to know it. */
export type ModuleTypes =
  /** A package: its declaration files (and those of the packages they import), by editor path. */
  | { kind: "package"; name: string; files: Record<string, string> }
  /** Resolves, but to something the editor has no declarations for (a relative file, an untyped package). */
  | { kind: "untyped" }
  /** Does not resolve: loading the snippet would fail with this message. */
  | { kind: "missing"; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isOptionValue(value: unknown): value is CompilerOptionValue {
  return (
    ["string", "number", "boolean"].includes(typeof value) ||
    (Array.isArray(value) && value.every((item) => typeof item === "string"))
  );
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  if (!isRecord(value)) throw new Error(`${what} is not an object`);
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(value)) {
    if (typeof text !== "string") throw new Error(`${what}: ${path} is not text`);
    files[path] = text;
  }
  return files;
}

/** Validates a `/types/editor.json` reply; throws with what is wrong. */
export function parseEditorTypes(value: unknown): EditorTypes {
  if (!isRecord(value)) throw new Error("the editor's types are not an object");
  if (!isRecord(value.compilerOptions)) throw new Error("the editor's types have no compilerOptions");
  const compilerOptions: Record<string, CompilerOptionValue> = {};
  for (const [name, option] of Object.entries(value.compilerOptions)) {
    if (!isOptionValue(option)) throw new Error(`compiler option ${name} has an unexpected value`);
    compilerOptions[name] = option;
  }
  return { compilerOptions, files: stringRecord(value.files, "the editor's type files") };
}

/** Validates a `/types/module` reply; throws with what is wrong. */
export function parseModuleTypes(value: unknown): ModuleTypes {
  if (!isRecord(value)) throw new Error("a module's types are not an object");
  switch (value.kind) {
    case "package":
      if (typeof value.name !== "string") throw new Error("a package's types have no name");
      return { kind: "package", name: value.name, files: stringRecord(value.files, `the types of ${value.name}`) };
    case "untyped":
      return { kind: "untyped" };
    case "missing":
      if (typeof value.message !== "string") throw new Error("a missing module's reply has no message");
      return { kind: "missing", message: value.message };
    default:
      throw new Error(`a module's types have an unknown kind: ${JSON.stringify(value.kind)}`);
  }
}
