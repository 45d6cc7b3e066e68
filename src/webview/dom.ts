/** Small DOM helpers the panels share. */

/** Creates an element with attributes and, optionally, text. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`index.html has no #${id} ${type.name}`);
  return node;
}

/**
 * Text with `\r`, `\n`, tabs and other control characters written out as escapes, for raw wire
 * views; a line break still follows each `\n` so the text keeps its shape. (Escapes, not the
 * Unicode control pictures, which many monospace fonts lack.)
 */
export function showControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\r") return "\\r";
    if (c === "\n") return "\\n\n";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
