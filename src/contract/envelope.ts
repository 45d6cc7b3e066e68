/** The one shape every message between two processes, or a page and the host, has. */

/** Every message: an id, the id it answers, a tagged payload. */
export interface Envelope<P> {
  id: number;
  /** Set on replies: the id of the request answered. */
  replyId?: number | undefined;
  payload: P;
}

