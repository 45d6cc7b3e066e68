/** Reading and writing the HTTP header fields the clients care about. */

/**
 * Merges header layers; a later layer replaces a same-named field of an earlier one, whatever
 * the letter case. Names and values are not checked here: `fetch` rejects bad ones, and that
 * rejection is reported as the connection's error.
 */
export function mergeHeaders(...layers: Record<string, string>[]): [string, string][] {
  const byName = new Map<string, [string, string]>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) byName.set(name.toLowerCase(), [name, value]);
  }
  return [...byName.values()];
}

/** Response headers as a plain object with lowercase names; repeated fields are joined with ", ". */
export function headerRecord(headers: Headers): Record<string, string> {
  // A Map, then `Object.fromEntries`: a header named `__proto__` becomes an own field instead of
  // replacing the object's prototype.
  const byName = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const earlier = byName.get(key);
    byName.set(key, earlier === undefined ? value : `${earlier}, ${value}`);
  }
  return Object.fromEntries(byName);
}

/** The MIME type without parameters, lowercased (`text/event-stream`), or undefined when there is none. */
export function mimeEssence(headers: Headers): string | undefined {
  const contentType = headers.get("content-type");
  if (contentType === null) return undefined;
  const essence = contentType.split(";", 1)[0]?.trim().toLowerCase();
  return essence === "" ? undefined : essence;
}
