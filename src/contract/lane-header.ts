/**
 * Which lane a request belongs to. The host's clients (and the lane proxy, for the page's own
 * EventSource) send it with every request to the runner, so the server's events land beside the
 * client's; the runner strips it before the snippet sees the request.
 */
export const laneHeader = "x-playground-lane";

/**
 * A request without the lane header came from outside the playground (curl, a browser tab, the
 * user's own app). The runner numbers the connections they arrive on, 1, 2, 3…, and sends their
 * events on lane `-n`; whoever drives the runner gives each such connection a lane of its own
 * (`outsideConnectionOf` reads the number back). Negative lanes never leave that link.
 */
export function outsideLaneOf(connection: number): number {
  return -connection;
}

/** The outside connection a runner event's lane stands for, or undefined for a lane of the driver's. */
export function outsideConnectionOf(lane: number): number | undefined {
  return lane < 0 ? -lane : undefined;
}
