/**
 * The settings that persist between launches, in `settings.json` in the workspace folder. A page's
 * `settings-set` is checked field by field by the contract's checks; the file is read with the same
 * checks, and a field that does not check out falls back to its default without costing the others.
 */

import { join } from "node:path";
import { runCheck, settingFieldChecks, type Check, type Settings } from "../../contract/index.ts";
import { readJsonFile, writeJsonFile } from "./json-file.ts";

export const defaultSettings: Settings = { theme: "system", autoRun: false, checkTypes: true, defaultClient: "stream" };

/** Settings from the file's contents: every valid field, defaults for the rest. */
export function readSettings(value: unknown): Settings {
  const fields =
    value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const settings: Settings = { ...defaultSettings };
  for (const [key, check] of Object.entries(settingFieldChecks) as [string, Check<unknown>][]) {
    const read = runCheck(check, fields[key]);
    if (read.ok) Object.assign(settings, { [key]: read.value });
  }
  return settings;
}

export const settingsFileName = "settings.json";

/** The saved settings (defaults when there are none), with a warning when the file was not usable. */
export async function loadSettings(
  workspaceDir: string,
): Promise<{ settings: Settings; warning?: string | undefined }> {
  const file = await readJsonFile(join(workspaceDir, settingsFileName));
  if (file.kind === "missing") return { settings: { ...defaultSettings } };
  if (file.kind === "invalid") return { settings: { ...defaultSettings }, warning: file.message };
  return { settings: readSettings(file.value) };
}

export function saveSettings(workspaceDir: string, settings: Settings): Promise<void> {
  return writeJsonFile(join(workspaceDir, settingsFileName), settings);
}
