// An SSE event whose data is pretty-printed JSON. /pretty sends it as it is; /fixed writes
// `data: ` before each of its lines, which is what the SSE format asks for.

const score = { match: "Lyon – Nantes", home: 2, away: 1, minute: 67 };

export default function (req: Request) {
  const pretty = new URL(req.url).pathname === "/pretty";
  return new Response(
    async function* () {
      const json = JSON.stringify(score, null, 2);
      if (pretty) yield `data: ${json}\n\n`;
      else yield `${json.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`;
    },
    { headers: { "content-type": "text/event-stream" } },
  );
}
