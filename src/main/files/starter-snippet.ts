/**
 * What a new untitled snippet starts with: the page's own default snippet (src/webview/main.ts), a
 * small async generator handler, so New shows the same thing a first launch does.
 */
export const starterSnippet = `// A streaming handler. Edit it, press Ctrl+S (or Run), then Connect.
export default function (req: Request) {
  async function* body() {
    try {
      for (let i = 1; i <= 5; i++) {
        yield \`tick \${i}\\n\`;
        await Bun.sleep(200);
      }
    } finally {
      console.log("the generator finished");
    }
  }
  return new Response(body(), { headers: { "content-type": "text/plain" } });
}
`;
