/** A process's output as lines, collected as they arrive. */

/** Appends each line of `stream` to `lines` until it ends; a last line without a newline counts too. */
export async function collectLines(stream: ReadableStream<Uint8Array>, lines: string[]): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
  }
  if (pending) lines.push(pending);
}
