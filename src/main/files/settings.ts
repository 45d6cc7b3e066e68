/**
 * The settings that persist between launches, in `settings.json` in the workspace folder. A page's
 * `settings-set` is checked field by field; the file is too, and a field that does not check out
 * falls back to its default without costing the others.
 */

import { join } from "node:path";
import type { ClientKind, Settings } from "../../contract/index.ts";
import { readJsonFile, writeJsonFile } from "./json-file.ts";

export const defaultSettings: Settings = { theme: "system", autoRun: false, defaultClient: "stream" };

const themes: readonly Settings["theme"][] = ["system", "light", "dark"];
const clientKinds: readonly ClientKind[] = ["stream", "eventsource", "browser"];
/** Window sizes and places beyond this are not a screen's. */
const maxWindowCoordinate = 100_000;

type WindowPlace = NonNullable<Settings["window"]>;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
const isCoordinate = (value: unknown, min: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= maxWindowCoordinate;

function readWindow(value: unknown): WindowPlace | undefined {
  if (!isObject(value)) return undefined;
  const { width, height, x, y } = value;
  if (!isCoordinate(width, 1) || !isCoordinate(height, 1) || !isCoordinate(x, -maxWindowCoordinate) || !isCoordinate(y, -maxWindowCoordinate)) return undefined;
  return { width, height, x, y };
}

/** Each setting's check: the value, or undefined when it is not a valid one. */
const fieldReaders: { [K in keyof Settings]-?: (value: unknown) => Settings[K] | undefined } = {
  theme: (value) => (themes.includes(value as Settings["theme"]) ? (value as Settings["theme"]) : undefined),
  autoRun: (value) => (typeof value === "boolean" ? value : undefined),
  defaultClient: (value) => (clientKinds.includes(value as ClientKind) ? (value as ClientKind) : undefined),
  window: readWindow,
};

const fieldProblems: Record<keyof Settings, string> = {
  theme: `must be one of ${themes.join(", ")}`,
  autoRun: "must be true or false",
  defaultClient: `must be one of ${clientKinds.join(", ")}`,
  window: `must be { width, height, x, y } in whole pixels (width and height 1 or more, all within ±${maxWindowCoordinate})`,
};

const isSettingName = (key: string): key is keyof Settings => Object.hasOwn(fieldReaders, key);

/** A page's partial settings, rebuilt field by field, or what is wrong with it. */
export function readSettingsPatch(value: unknown): Partial<Settings> | string {
  if (!isObject(value)) return "settings must be an object";
  const patch: Partial<Settings> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!isSettingName(key)) return `settings.${key} is not a setting`;
    const read = fieldReaders[key](field);
    if (read === undefined) return `settings.${key} ${fieldProblems[key]}`;
    Object.assign(patch, { [key]: read });
  }
  return patch;
}

/** Settings from the file's contents: every valid field, defaults for the rest. */
export function readSettings(value: unknown): Settings {
  const fields = isObject(value) ? value : {};
  const settings: Settings = { ...defaultSettings };
  for (const key of Object.keys(fieldReaders)) {
    if (!isSettingName(key)) continue;
    const read = fieldReaders[key](fields[key]);
    if (read !== undefined) Object.assign(settings, { [key]: read });
  }
  return settings;
}

export const settingsFileName = "settings.json";

/** The saved settings (defaults when there are none), with a warning when the file was not usable. */
export async function loadSettings(workspaceDir: string): Promise<{ settings: Settings; warning?: string | undefined }> {
  const file = await readJsonFile(join(workspaceDir, settingsFileName));
  if (file.kind === "missing") return { settings: { ...defaultSettings } };
  if (file.kind === "invalid") return { settings: { ...defaultSettings }, warning: file.message };
  return { settings: readSettings(file.value) };
}

export function saveSettings(workspaceDir: string, settings: Settings): Promise<void> {
  return writeJsonFile(join(workspaceDir, settingsFileName), settings);
}
