/** Document ids: random, and safe as a file name, since an opened file's draft is `drafts/<id>.ts`. */

const documentIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function newDocumentId(): string {
  return crypto.randomUUID();
}

/** True for a string that can be a document id (and so a draft's file name). */
export function isDocumentId(value: unknown): value is string {
  return typeof value === "string" && documentIdPattern.test(value);
}
