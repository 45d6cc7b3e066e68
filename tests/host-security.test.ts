import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { dependenciesDir } from "../src/main/package-dir.ts";
import { defaultPageFiles, letIn, startTestHost } from "./support/test-host.ts";
import { parseEditorTypes } from "../src/contract/editor-types.ts";

/** Sends `head` as written (no URL normalisation by a client) and returns the status code. */
async function rawStatus(port: number, head: string): Promise<number> {
  const { promise, resolve, reject } = Promise.withResolvers<number>();
  let received = "";
  await Bun.connect({
    hostname: "127.0.0.1",
    port,
    socket: {
      open: (socket) => void socket.write(head),
      data(socket, data) {
        received += data.toString();
        const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
        if (status) {
          resolve(Number(status[1]));
          socket.end();
        }
      },
      close: () => reject(new Error(`connection closed after ${JSON.stringify(received)}`)),
      error: (_socket, error) => reject(error),
    },
  });
  return promise;
}

/** Opens a WebSocket with `headers`; resolves with whether the upgrade was accepted. */
function webSocketOutcome(url: string, headers: Record<string, string>): Promise<"open" | "refused"> {
  const { promise, resolve } = Promise.withResolvers<"open" | "refused">();
  // Bun's WebSocket takes request headers as a second-argument option.
  const ws = new WebSocket(url, { headers } as unknown as string[]);
  ws.addEventListener("open", () => {
    resolve("open");
    ws.close();
  });
  ws.addEventListener("error", () => resolve("refused"));
  ws.addEventListener("close", () => resolve("refused"));
  return promise;
}

describe("the token and the cookie", () => {
  test("a request with no token and no cookie is refused with an explanation", async () => {
    await using host = await startTestHost();
    const response = await fetch(`${host.origin}/`);
    expect({ status: response.status, text: await response.text() }).toEqual({
      status: 403,
      text: "Forbidden: this browser has not been let in\nOpen the URL printed by npm start (or npm run start:web); it carries the secret that lets this browser in.\n",
    });
  });

  test("a wrong token is refused and sets no cookie", async () => {
    await using host = await startTestHost();
    const response = await fetch(`${host.origin}/?token=not-the-token`, { redirect: "manual" });
    expect({ status: response.status, cookie: response.headers.get("set-cookie") }).toEqual({
      status: 403,
      cookie: null,
    });
  });

  test("the right token sets an HttpOnly SameSite=Strict cookie named for the port and redirects without the token", async () => {
    await using host = await startTestHost();
    const token = new URL(host.launchUrl).searchParams.get("token");
    const response = await fetch(`${host.origin}/health?token=${token}&x=1`, { redirect: "manual" });
    expect({
      status: response.status,
      location: response.headers.get("location"),
      cookie: response.headers.get("set-cookie"),
    }).toEqual({
      status: 303,
      location: "/health?x=1",
      cookie: `stream-playground-${host.port}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    });
    expect(host.cookieName).toBe(`stream-playground-${host.port}`);
  });

  test("the cookie alone then lets requests in", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/health`, { headers: { cookie } });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { ok: true, runnerUrl: host.session.runnerUrl },
    });
    const page = await fetch(`${host.origin}/`, { headers: { cookie } });
    expect({
      status: page.status,
      type: page.headers.get("content-type"),
      cache: page.headers.get("cache-control"),
    }).toEqual({
      status: 200,
      type: "text/html;charset=utf-8",
      cache: "no-store",
    });
  });

  test("a cookie with the wrong value is refused", async () => {
    await using host = await startTestHost();
    const response = await fetch(`${host.origin}/health`, { headers: { cookie: `${host.cookieName}=guess` } });
    expect(response.status).toBe(403);
  });
});

describe("host and origin", () => {
  test("a foreign Host header is refused even with the cookie (DNS rebinding)", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    // Bun's fetch sends a Host header given in `headers` as it is.
    const response = await fetch(`${host.origin}/health`, {
      headers: { cookie, host: `attacker.example:${host.port}` },
    });
    expect(response.status).toBe(403);
  });

  test("a Host header that makes no URL is a 400, not a failure of the host", async () => {
    await using host = await startTestHost();
    const status = await rawStatus(
      host.port,
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${host.port}@evil.com\r\nConnection: close\r\n\r\n`,
    );
    expect(status).toBe(400);
  });

  test("a request another port's page made (Sec-Fetch-Site same-site or cross-site) is refused, even with the cookie", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const statusWith = async (site: string) =>
      (await fetch(`${host.origin}/health`, { headers: { cookie, "sec-fetch-site": site } })).status;
    expect({
      "same-site": await statusWith("same-site"),
      "cross-site": await statusWith("cross-site"),
      "same-origin": await statusWith("same-origin"),
      none: await statusWith("none"),
    }).toEqual({ "same-site": 403, "cross-site": 403, "same-origin": 200, none: 200 });
  });

  test("localhost with the right port is accepted as a Host", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/health`, { headers: { cookie, host: `localhost:${host.port}` } });
    expect(response.status).toBe(200);
  });

  test("a request from a foreign Origin is refused even with the cookie", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const foreign = await fetch(`${host.origin}/health`, { headers: { cookie, origin: "http://attacker.example" } });
    const ownOrigin = await fetch(`${host.origin}/health`, { headers: { cookie, origin: host.origin } });
    expect({ foreign: foreign.status, ownOrigin: ownOrigin.status }).toEqual({ foreign: 403, ownOrigin: 200 });
  });

  test("the server listens on 127.0.0.1 only", async () => {
    await using host = await startTestHost();
    expect({ hostname: host.hostname, origin: host.origin }).toEqual({
      hostname: "127.0.0.1",
      origin: `http://127.0.0.1:${host.port}`,
    });
  });
});

describe("the WebSocket", () => {
  test("an upgrade without the cookie is refused", async () => {
    await using host = await startTestHost();
    expect(await webSocketOutcome(`ws://127.0.0.1:${host.port}/ws`, { origin: host.origin })).toBe("refused");
  });

  test("an upgrade with the cookie but a foreign or missing Origin is refused", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const url = `ws://127.0.0.1:${host.port}/ws`;
    expect({
      foreign: await webSocketOutcome(url, { cookie, origin: "http://attacker.example" }),
      missing: await webSocketOutcome(url, { cookie }),
    }).toEqual({ foreign: "refused", missing: "refused" });
  });

  test("an upgrade with the cookie and the page's Origin opens", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    expect(await webSocketOutcome(`ws://127.0.0.1:${host.port}/ws`, { cookie, origin: host.origin })).toBe("open");
  });
});

describe("static files", () => {
  test("monaco's files are served with their content type, checked again on each load, a 304 while unchanged", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/monaco/vs/loader.js`, { headers: { cookie } });
    const etag = response.headers.get("etag");
    expect({
      status: response.status,
      type: response.headers.get("content-type"),
      cache: response.headers.get("cache-control"),
      tagged: etag !== null && etag.length > 2,
    }).toEqual({ status: 200, type: "text/javascript;charset=utf-8", cache: "no-cache", tagged: true });
    const again = await fetch(`${host.origin}/monaco/vs/loader.js`, {
      headers: { cookie, "if-none-match": etag! },
    });
    expect({ status: again.status, body: await again.text() }).toEqual({ status: 304, body: "" });
  });

  test("the page names monaco's build under the installed version, which the browser keeps for good", async () => {
    await using host = await startTestHost({
      files: {
        ...defaultPageFiles,
        // As the real page loads Monaco: its loader named unversioned, before the page's own script.
        "index.html": `<!doctype html><html><head></head><body><script src="/monaco/vs/loader.js"></script><script type="module" src="/app.js"></script></body></html>\n`,
      },
    });
    const cookie = await letIn(host);
    const { version } = (await Bun.file(join(dependenciesDir(), "monaco-editor/package.json")).json()) as {
      version: string;
    };
    const html = await (await fetch(`${host.origin}/`, { headers: { cookie } })).text();
    const loader = `/monaco/${version}/vs/loader.js`;
    expect(html).toContain(`<link rel="preload" as="script" href="${loader}" />`);
    expect(html).toContain(`<script src="${loader}"></script>`);
    const response = await fetch(`${host.origin}${loader}`, { headers: { cookie } });
    const unversioned = await fetch(`${host.origin}/monaco/vs/loader.js`, { headers: { cookie } });
    expect({
      status: response.status,
      cache: response.headers.get("cache-control"),
      same: (await response.text()) === (await unversioned.text()),
    }).toEqual({ status: 200, cache: "public, max-age=31536000, immutable", same: true });
  });

  test.each([
    ["a raw ../", "/monaco/../package.json"],
    ["a raw ../../", "/monaco/vs/../../../package.json"],
    ["an encoded slash", "/monaco/..%2F..%2Fpackage.json"],
    ["encoded dots", "/monaco/%2e%2e/%2e%2e/package.json"],
    ["a backslash", "/monaco/..%5C..%5Cpackage.json"],
  ])("a path that climbs out of monaco with %s is refused", async (_name, path) => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const status = await rawStatus(
      host.port,
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
    );
    expect([403, 404]).toContain(status);
  });

  test("the page's script is built in memory, minified, checked again on each load, and its source map is served apart", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/app.js`, { headers: { cookie } });
    const body = await response.text();
    const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(body)?.[1];
    expect({
      status: response.status,
      cache: response.headers.get("cache-control"),
      hasCode: /document\.title\s*=\s*"test page"/.test(body),
      mapUrl,
    }).toEqual({
      status: 200,
      cache: "no-cache",
      hasCode: true,
      mapUrl: "/app.js.map",
    });
    // The build the browser already has is not sent again; a changed one would have another tag.
    const etag = response.headers.get("etag")!;
    expect(etag).toBe(`"${Bun.hash(body).toString(36)}"`);
    const again = await fetch(`${host.origin}/app.js`, { headers: { cookie, "if-none-match": etag } });
    expect(again.status).toBe(304);
    const other = await fetch(`${host.origin}/app.js`, { headers: { cookie, "if-none-match": '"another"' } });
    expect(other.status).toBe(200);
    const map = (await (await fetch(`${host.origin}${mapUrl}`, { headers: { cookie } })).json()) as {
      sources: string[];
      sourcesContent?: string[];
    };
    expect(map.sources.some((source) => source.endsWith("main.ts"))).toBe(true);
  });

  test("styles the script imports and an app.css beside it are both served at /app.css", async () => {
    await using host = await startTestHost({
      files: {
        "main.ts": `import "./theme.css";\ndocument.title = "styled";\n`,
        "theme.css": `body { color: red; }\n`,
        "app.css": `main { color: blue; }\n`,
      },
    });
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/app.css`, { headers: { cookie } });
    const css = await response.text();
    expect({
      status: response.status,
      type: response.headers.get("content-type"),
      imported: /color:\s*red/.test(css),
      beside: /color:\s*blue/.test(css),
    }).toEqual({
      status: 200,
      type: "text/css;charset=utf-8",
      imported: true,
      beside: true,
    });
  });

  test("a page that does not build is a 500 that says what failed, and the host keeps running", async () => {
    const logged: string[] = [];
    await using host = await startTestHost({
      files: { "main.ts": `import "./missing-module.ts";\n` },
      log: (line) => logged.push(line),
    });
    const cookie = await letIn(host);
    const page = await fetch(`${host.origin}/`, { headers: { cookie } });
    const text = await page.text();
    expect({
      status: page.status,
      saysWhat: text.includes(`Could not resolve: "./missing-module.ts"`),
      logged: logged.length,
    }).toEqual({ status: 500, saysWhat: true, logged: 1 });
    expect((await fetch(`${host.origin}/health`, { headers: { cookie } })).status).toBe(200);
  });

  test("the editor's types are its compiler options and declaration files keyed by file URL, revalidated by ETag", async () => {
    await using host = await startTestHost();
    const cookie = await letIn(host);
    const response = await fetch(`${host.origin}/types/editor.json`, { headers: { cookie } });
    const { compilerOptions, files } = parseEditorTypes(await response.json());
    const keys = Object.keys(files);
    const etag = response.headers.get("etag") ?? "";
    const again = await fetch(`${host.origin}/types/editor.json`, { headers: { cookie, "if-none-match": etag } });
    expect({
      status: response.status,
      cacheControl: response.headers.get("cache-control"),
      lib: compilerOptions.lib,
      bunIndex: typeof files["file:///node_modules/bun-types/index.d.ts"],
      nodeIndex: typeof files["file:///node_modules/@types/node/index.d.ts"],
      allDeclarations: keys.every((key) => /^file:\/\/\/(node_modules|stream-playground)\/.+\.d\.ts$/.test(key)),
      docs: keys.some((key) => key.includes("/bun-types/docs/")),
      otherTypeScriptVersions: keys.some((key) => /\/ts\d+\.\d+\//.test(key)),
      revalidated: again.status,
    }).toEqual({
      status: 200,
      cacheControl: "no-cache",
      lib: ["lib.esnext.d.ts"],
      bunIndex: "string",
      nodeIndex: "string",
      allDeclarations: true,
      docs: false,
      otherTypeScriptVersions: false,
      revalidated: 304,
    });
  });
});
