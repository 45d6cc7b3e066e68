/** Document ids: random, and safe as a file name, since an opened file's draft is `drafts/<id>.ts`. */

export { isDocumentId } from "../../contract/index.ts";

export function newDocumentId(): string {
  return crypto.randomUUID();
}
