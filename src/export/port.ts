/** Which port the exported server listens on, and whether the snippet's own `port` must change for it. */

/** Bun's default port, used for both targets so the header's `curl` line is the same. */
export const defaultPort = 3000;

export interface PortChoice {
  port: number;
  /** Whether the snippet's `port` has to be set (or added) to `port`. */
  rewrite: boolean;
  /** Set when the snippet computes its port: the `curl` line can only assume one. */
  computed: boolean;
}

/**
 * The port asked for wins. Without one, a port the snippet names itself stays as written; a
 * computed port (`Number(process.env.PORT)`) stays too, and otherwise the server gets 3000.
 */
export function choosePort(requested: number | undefined, named: number | "dynamic" | undefined): PortChoice {
  if (requested !== undefined) return { port: requested, rewrite: named !== requested, computed: false };
  if (typeof named === "number") return { port: named, rewrite: false, computed: false };
  if (named === "dynamic") return { port: defaultPort, rewrite: false, computed: true };
  return { port: defaultPort, rewrite: true, computed: false };
}
