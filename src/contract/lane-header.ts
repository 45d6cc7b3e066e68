/**
 * Which lane a request belongs to. The host's clients (and the lane proxy, for the page's own
 * EventSource) send it with every request to the runner, so the server's events land beside the
 * client's; the runner strips it before the snippet sees the request.
 */
export const laneHeader = "x-playground-lane";
