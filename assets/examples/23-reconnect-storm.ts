// Every stream ends at the same moment, as a deploy or a restart ends them, and every client was
// told the same `retry:`. /herd gives them all 1000 ms; /jittered gives each its own.

/** Streams end on a shared clock: every 1.5 s, whoever is connected is cut off. */
const deployEveryMs = 1_500;
const untilNextDeploy = () => deployEveryMs - (Date.now() % deployEveryMs);

export default function (req: Request) {
  const jittered = new URL(req.url).pathname === "/jittered";
  // The fix: a retry of each client's own, so they come back spread out.
  const retry = jittered ? 1_000 + Math.floor(Math.random() * 2_000) : 1_000;
  return new Response(
    async function* () {
      yield `retry: ${retry}\ndata: connected\n\n`;
      await Bun.sleep(untilNextDeploy());
      // The stream ends here, for every client at once.
    },
    { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } },
  );
}
