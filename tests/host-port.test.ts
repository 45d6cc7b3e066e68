import { describe, expect, test } from "bun:test";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hostPortFileName, readHostPort } from "../src/main/files/host-port.ts";
import { startHost } from "../src/main/host-server.ts";
import { createTestPage } from "./support/test-host.ts";
import { createTempDir } from "./support/temp-dir.ts";

/** A host on the port the last launch with `workspaceDir` used, as a launch without `PORT` starts one. */
async function startRemembering(workspaceDir: string, pageDir: string) {
  const host = await startHost({
    port: "remembered",
    webviewEntry: join(pageDir, "main.ts"),
    indexHtml: join(pageDir, "index.html"),
    session: { workspaceDir },
    log: () => {},
  });
  return Object.assign(host, { [Symbol.asyncDispose]: () => host.stop() });
}

const savedPort = async (workspaceDir: string) =>
  readHostPort(JSON.parse(await readFile(join(workspaceDir, hostPortFileName), "utf8")));

describe("the host's port from one launch to the next", () => {
  test("a launch listens where the last one did, so the page's origin (and what the browser cached) stays", async () => {
    await using page = await createTestPage();
    await using workspace = await createTempDir("host-port-");
    let first: number;
    {
      await using host = await startRemembering(workspace.dir, page.dir);
      first = host.port;
      expect(await savedPort(workspace.dir)).toBe(first);
    }
    await using again = await startRemembering(workspace.dir, page.dir);
    expect(again.port).toBe(first);
    // The new launch lets the browser in with its own token, on the origin it had before.
    expect((await fetch(again.launchUrl, { redirect: "manual" })).headers.get("set-cookie")).toContain("HttpOnly");
  });

  test("a port another program took since is given up for any free one, which the next launch keeps", async () => {
    await using page = await createTestPage();
    await using workspace = await createTempDir("host-port-");
    const squatter = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("someone else") });
    try {
      await writeFile(join(workspace.dir, hostPortFileName), JSON.stringify({ port: squatter.port }));
      await using host = await startRemembering(workspace.dir, page.dir);
      expect(host.port).not.toBe(squatter.port);
      expect(await savedPort(workspace.dir)).toBe(host.port);
    } finally {
      await squatter.stop(true);
    }
  });

  test("a file that names no usable port is ignored", () => {
    expect(readHostPort({ port: 8080 })).toBe(8080);
    for (const value of [{ port: 80 }, { port: 70_000 }, { port: 8080.5 }, { port: "8080" }, [], null, "8080"])
      expect(readHostPort(value)).toBeUndefined();
  });
});
