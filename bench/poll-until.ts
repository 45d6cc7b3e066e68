/** Waiting for a server to serve a new version, the way a user reloading the page would notice it. */

/**
 * Fetches `url` until its body is `expected`; returns how many fetches it took. Throws once
 * `deadline` (a `performance.now()` time) has passed.
 */
export async function pollUntil(url: string, expected: string, deadline: number): Promise<number> {
  for (let polls = 1; ; polls++) {
    const text = await (await fetch(url)).text();
    if (text === expected) return polls;
    if (performance.now() > deadline)
      throw new Error(`${url} still answered ${JSON.stringify(text)} instead of ${JSON.stringify(expected)}`);
  }
}
