/**
 * `npm run start:web`: the playground in a browser tab. `PORT` picks the port; `--no-open` or `CI` skips the browser.
 */

import { launchWebHost } from "./launch-web.ts";

await launchWebHost();
