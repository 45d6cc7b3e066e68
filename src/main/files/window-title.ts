/** The desktop window's title for a document: its name, a `•` while it has unsaved edits, the app. */
export function windowTitle(document: { name: string; dirty: boolean }): string {
  return `${document.name}${document.dirty ? " •" : ""} — Stream Playground`;
}
