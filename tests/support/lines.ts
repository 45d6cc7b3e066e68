/** A process's output as lines, collected as they arrive. */

/**
 * Appends each line of `stream` to `lines` until it ends; a last line without a newline counts too.
 * `onLine` hears each line as it arrives.
 */
export async function collectLines(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
  onLine?: (line: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  const add = (line: string) => {
    lines.push(line);
    onLine?.(line);
  };
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) add(line);
  }
  if (pending) add(pending);
}
