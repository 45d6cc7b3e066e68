/** Where the playground's own files are: its sources, assets and installed packages. */

import { fileURLToPath } from "node:url";

export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
