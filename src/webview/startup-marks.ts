/**
 * The page's start milestones (`startupMarks`, in the contract), marked as `performance.mark`s as
 * they happen: the page reports them with `page-ready`, and `npm run bench` reads them from the
 * browser. Each is marked once, at the first time it happens.
 */

import { type StartupMark, type StartupTimes, startupMarks } from "../contract/index.ts";

const marked = new Set<StartupMark>();

/** Marks `name` now, unless it was marked already. */
export function markStartup(name: StartupMark): void {
  if (marked.has(name)) return;
  marked.add(name);
  performance.mark(`startup:${name}`);
}

/** When each milestone marked so far came, in ms from the page's navigation. */
export function startupTimes(): StartupTimes {
  const times: StartupTimes = {};
  for (const name of startupMarks) {
    const [entry] = performance.getEntriesByName(`startup:${name}`, "mark");
    if (entry) times[name] = entry.startTime;
  }
  return times;
}
