/**
 * Header fields about one connection, not the message (RFC 9110 §7.6.1): a relay has a connection
 * on each side, and frames the message on each its own way, so it passes none of these on.
 */
export const hopByHopFields = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

const hopByHop = new Set<string>(hopByHopFields);

/** True for a field that describes one connection; `name` in any letter case. */
export function isHopByHop(name: string): boolean {
  return hopByHop.has(name.toLowerCase());
}
