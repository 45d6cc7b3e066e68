// What happens when a stream fails halfway. The response head (200) is already sent, so the
// server cannot answer with a 500 any more: all it can do is cut the connection.

/** Pretends to read rows from a database that fails after the third one. */
async function* rows() {
  for (let id = 1; id <= 5; id++) {
    await Bun.sleep(100);
    if (id === 4) throw new Error("lost the database connection");
    yield { id, name: `row ${id}` };
  }
}

const ndjson = { "content-type": "application/x-ndjson" };

export default {
  routes: {
    // The error escapes the body: Bun aborts the response mid-stream.
    "/export": () =>
      new Response(
        async function* () {
          for await (const row of rows()) yield JSON.stringify(row) + "\n";
        },
        { headers: ndjson },
      ),

    // Catching it inside the body lets the server end the stream cleanly, with a last line that
    // tells the client what went wrong.
    "/export-caught": () =>
      new Response(
        async function* () {
          try {
            for await (const row of rows()) yield JSON.stringify(row) + "\n";
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            yield JSON.stringify({ error: message }) + "\n";
          }
        },
        { headers: ndjson },
      ),
  },
  // Every other path. (`bun file.ts` serves a default export only when it has a fetch.)
  fetch: () => new Response("Not found", { status: 404 }),
};
