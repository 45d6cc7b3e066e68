/**
 * Why the desktop app loaded its window's page again, as the `restarted` query parameter of the
 * page's URL tells the page (which says so once in its status line): its web process ended
 * (`closed`), it stopped sending its heartbeat (`silent`), or the whole app was opened again by
 * `npm start` after it crashed (`app-crashed`) or hung before its page was ready (`app-hung`).
 */

export const pageReloadReasons = ["closed", "silent", "app-crashed", "app-hung"] as const;
export type PageReloadReason = (typeof pageReloadReasons)[number];

/** The query parameter that carries the reason. */
export const pageReloadParameter = "restarted";

export function isPageReloadReason(value: unknown): value is PageReloadReason {
  return (pageReloadReasons as readonly unknown[]).includes(value);
}

/** What the page says about each reason, once, in its status line. */
const pageReloadWords: Record<PageReloadReason, string> = {
  closed: "The page stopped (its web process ended) and was loaded again; your edits were kept.",
  silent: "The page stopped responding and was loaded again; your edits were kept.",
  "app-crashed": "The desktop app crashed and was opened again; your edits were kept.",
  "app-hung": "The desktop app stopped responding while it opened, and was opened again; your edits were kept.",
};

export function describePageReload(reason: PageReloadReason): string {
  return pageReloadWords[reason];
}
