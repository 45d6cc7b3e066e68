/** Builds figures: turns a goal into its text and its verdict, so no benchmark judges by hand. */

import type { Anchor, Figure, Goal } from "./types.ts";

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  /** Left out for a figure printed for information only. */
  goal?: Goal | undefined;
  anchor?: Anchor | undefined;
  samples?: number[] | undefined;
  parts?: Record<string, number> | undefined;
  note?: string | undefined;
  /**
   * Why the figure misses its goal whatever its value, e.g. a run the system under test did not
   * finish. Shown first in the note.
   */
  failed?: string | undefined;
}

/** The limit a goal sets in this run: fixed, or from the anchor measured beside the figure. */
function limitOf(goal: Goal, anchor: Anchor | undefined): number {
  if (goal.of === undefined) return goal.limit;
  if (anchor === undefined) throw new Error(`a goal set against the anchor needs an anchor`);
  return goal.of === "anchor-times" ? anchor.value * goal.limit : anchor.value + goal.limit;
}

function goalText(goal: Goal): string {
  const fixed = goal.alsoFixed === undefined ? "" : `, ${goal.op} ${goal.alsoFixed}`;
  if (goal.of === "anchor-times") return `${goal.op} ${goal.limit}x anchor${fixed}`;
  if (goal.of === "anchor-plus") return `${goal.op} anchor + ${goal.limit}${fixed}`;
  return `${goal.op} ${goal.limit}`;
}

const meets = (value: number, op: Goal["op"], limit: number) => (op === "<=" ? value <= limit : value >= limit);

export function createFigure(input: FigureInput): Figure {
  const { name, value, unit, goal, anchor, samples, parts, failed } = input;
  const note = [failed, input.note].filter((text) => text !== undefined).join("; ") || undefined;
  const limit = goal === undefined ? undefined : limitOf(goal, anchor);
  const met =
    goal === undefined || limit === undefined
      ? null
      : meets(value, goal.op, limit) && (goal.alsoFixed === undefined || meets(value, goal.op, goal.alsoFixed));
  const ratio = anchor !== undefined && anchor.unit === unit && anchor.value !== 0 ? value / anchor.value : undefined;
  // Built field by field so the JSON reads in the documented order and leaves out what is absent.
  return {
    name,
    value,
    unit,
    goal: goal === undefined ? null : goalText(goal),
    ok: failed !== undefined ? false : met,
    ...(anchor === undefined ? {} : { anchor }),
    ...(ratio === undefined ? {} : { ratio }),
    ...(samples === undefined ? {} : { samples }),
    ...(parts === undefined ? {} : { parts }),
    ...(note === undefined ? {} : { note }),
  };
}
