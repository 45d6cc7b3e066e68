/**
 * A request as a `curl` command line, quoted for a POSIX shell: what the exported server file's
 * header suggests trying, and what a page copies for a lane's request.
 */

export interface CurlRequest {
  url: string;
  /** `GET` when left out (and then not written). */
  method?: string | undefined;
  headers?: Record<string, string> | undefined;
  body?: string | undefined;
}

/** A word as the shell reads it back unchanged: bare when it is plain, else in single quotes. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** `curl -N [-X POST] [-H 'k: v'] [-d '…'] URL`; `-N` so a stream prints as it arrives. */
export function curlCommand(request: CurlRequest): string {
  const words = ["curl", "-N"];
  const method = request.method?.toUpperCase();
  if (method && method !== "GET") words.push("-X", method);
  for (const [name, value] of Object.entries(request.headers ?? {})) words.push("-H", shellQuote(`${name}: ${value}`));
  if (request.body !== undefined) words.push("-d", shellQuote(request.body));
  words.push(shellQuote(request.url));
  return words.join(" ");
}
