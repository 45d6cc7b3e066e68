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
}

export function createFigure(input: FigureInput): Figure {
  const { goal, anchor, ...rest } = input;
  const ok = goal === undefined ? null : goal.op === "<=" ? input.value <= goal.limit : input.value >= goal.limit;
  const ratio = anchor !== undefined && anchor.unit === input.unit && anchor.value !== 0 ? input.value / anchor.value : undefined;
  return {
    ...rest,
    goal: goal === undefined ? null : `${goal.op} ${goal.limit}`,
    ok,
    ...(anchor === undefined ? {} : { anchor }),
    ...(ratio === undefined ? {} : { ratio }),
  };
}
