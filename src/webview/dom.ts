/** Small DOM helpers the panels share. */

import { byteEscape, utf8Pieces, visiblePieces } from "../contract/index.ts";

/** Creates an element with attributes and, optionally, text. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Sets a node's text when it differs from what it shows. Writing the same text again still
 * replaces the node's text, and the page is laid out again for it: a counter written on every
 * frame of a flood would cost a layout a frame.
 */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`index.html has no #${id} ${type.name}`);
  return node;
}

/**
 * Appends `text` with invisible characters written out (`\r`, `\n`, `\uFEFF`, …) as escapes styled
 * apart from the text, so a literal backslash in the text never reads as one; a line break still
 * follows each `\n`, so wire text keeps its shape.
 */
export function appendVisible(parent: HTMLElement, text: string): void {
  for (const piece of visiblePieces(text)) {
    if (!piece.escape) {
      parent.append(piece.text);
      continue;
    }
    // The line break goes inside the escape's own span: one node a line, not two. Cloned, not
    // created: a long raw stream has thousands.
    escapeSpan ??= element("span", { class: "esc" });
    const span = escapeSpan.cloneNode() as HTMLSpanElement;
    span.textContent = piece.text === "\\n" ? "\\n\n" : piece.text;
    parent.append(span);
  }
}

let escapeSpan: HTMLSpanElement | undefined;

/** Appends bytes as `appendVisible` does text, with each byte that is not UTF-8 written `\xC3`. */
export function appendVisibleBytes(parent: HTMLElement, bytes: Uint8Array): void {
  for (const piece of utf8Pieces(bytes)) {
    if ("text" in piece) appendVisible(parent, piece.text);
    else
      parent.append(
        element("span", { class: "esc bad-byte", title: "not UTF-8" }, [...piece.invalid].map(byteEscape).join("")),
      );
  }
}
