/**
 * The host's cookie. Browsers send a host's cookies to every port of that host, so a page's
 * requests to the runner carry it too; the runner strips every cookie with this prefix before a
 * snippet sees a request.
 */

/** Starts the name of every cookie the host sets: `stream-playground-<port>`. */
export const hostCookiePrefix = "stream-playground-";

/** The host's cookie for the host on `port`. */
export function hostCookieName(port: number): string {
  return `${hostCookiePrefix}${port}`;
}
