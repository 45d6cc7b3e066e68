/** The examples (lessons) the host serves, checked before the page trusts their shape. */

import type { ExampleInfo } from "../contract/index.ts";

export type Example = ExampleInfo;

function isExample(value: unknown): value is Example {
  if (value === null || typeof value !== "object") return false;
  const { id, title, source, lessonHtml, request } = value as Record<string, unknown>;
  return (
    typeof id === "string" &&
    typeof title === "string" &&
    typeof source === "string" &&
    typeof lessonHtml === "string" &&
    request !== null &&
    typeof request === "object"
  );
}

export async function loadExamples(): Promise<Example[]> {
  const response = await fetch("/examples/index.json");
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const list: unknown = await response.json();
  if (!Array.isArray(list)) throw new Error("the examples list is not a list");
  return list.filter(isExample);
}
