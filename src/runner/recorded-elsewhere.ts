/**
 * Responses whose head and body are recorded where they are produced, not by the fetch wrapper:
 * a `node:http` server's response is followed write by write inside the snippet's own server
 * (`node-response-follow.ts`), and the Response the runner hands to Bun only relays its bytes.
 */

const responses = new WeakSet<Response>();

/** Marks `response` as already recorded, and returns it. */
export function recordedElsewhere(response: Response): Response {
  responses.add(response);
  return response;
}

export function isRecordedElsewhere(response: Response): boolean {
  return responses.has(response);
}
