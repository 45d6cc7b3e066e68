/**
 * The desktop app as `electrobun build` leaves it: where its folder and launcher are on each OS,
 * and whether the build on disk is still the one the project's files describe. `npm start` builds
 * only when it is not (the first start, or after the config, the entry or Electrobun changed), so
 * a start is a launch, not a 100 MB copy.
 *
 * Paths follow electrobun 1.18.1's CLI (`getAppFileName`, `runApp` in its `src/cli/index.ts`):
 * `<buildFolder>/<env>-<os>-<arch>/<Name>-<env>/bin/launcher` on Linux, `…/bin/launcher.exe` on
 * Windows, `…/<App Name>-<env>.app/Contents/MacOS/launcher` on macOS (no suffix for `stable`).
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageDir } from "../package-dir.ts";

/** Electrobun's names for the platforms it builds for. */
export type ElectrobunOs = "linux" | "macos" | "win";

export interface AppBundleOptions {
  /** The project's root folder (where `electrobun.config.ts` is). */
  projectRoot: string;
  /** The app's display name (`app.name` in the config), e.g. `Stream Playground`. */
  appName: string;
  /** Electrobun's build environment: `dev`, `canary` or `stable`. */
  env: string;
  /** Electrobun's `buildFolder`, relative to the project; `build` by default. */
  buildFolder?: string | undefined;
  platform?: NodeJS.Platform | undefined;
  arch?: string | undefined;
}

export interface AppBundle {
  /** The app's folder (the `.app` on macOS). */
  folder: string;
  /** The native launcher that starts the app, and the folder it must be started in. */
  launcher: string;
  launcherCwd: string;
  /** The file that records which inputs the build on disk was made from. */
  stampFile: string;
}

export function electrobunOs(platform: NodeJS.Platform = process.platform): ElectrobunOs {
  return platform === "darwin" ? "macos" : platform === "win32" ? "win" : "linux";
}

export function locateAppBundle(options: AppBundleOptions): AppBundle {
  const os = electrobunOs(options.platform);
  const arch = options.arch ?? process.arch;
  const suffix = options.env === "stable" ? "" : `-${options.env}`;
  const envFolder = join(options.projectRoot, options.buildFolder ?? "build", `${options.env}-${os}-${arch}`);
  if (os === "macos") {
    const folder = join(envFolder, `${options.appName}${suffix}.app`);
    const launcherCwd = join(folder, "Contents", "MacOS");
    return {
      folder,
      launcher: join(launcherCwd, "launcher"),
      launcherCwd,
      stampFile: join(envFolder, "stream-playground-build.json"),
    };
  }
  const folder = join(envFolder, `${options.appName.replaceAll(" ", "")}${suffix}`);
  const launcherCwd = join(folder, "bin");
  const launcher = join(launcherCwd, os === "win" ? "launcher.exe" : "launcher");
  return { folder, launcher, launcherCwd, stampFile: join(envFolder, "stream-playground-build.json") };
}

/** The files a build is made from: a change to any of them means the app must be built again. */
export function buildInputs(projectRoot: string): string[] {
  const electrobun = packageDir("electrobun", projectRoot);
  return [
    ...["electrobun.config.ts", "src/main/desktop/index.ts", "assets/icon.png"].map((file) => join(projectRoot, file)),
    join(electrobun, "package.json"),
    // The native core: a different one (a download, or a harness build) is a different app.
    join(electrobun, `dist-${electrobunOs()}-${process.arch}`, `launcher${process.platform === "win32" ? ".exe" : ""}`),
  ];
}

/** A digest of the inputs' contents; a missing input counts as its own value. */
export function buildStamp(inputs: readonly string[]): string {
  // Bun's own hasher: `node:crypto` would add its load to every `npm start`.
  const hash = new Bun.CryptoHasher("sha256");
  for (const input of inputs) {
    hash.update(input);
    hash.update(existsSync(input) ? readFileSync(input) : "(missing)");
  }
  return hash.digest("hex");
}

/** True when the build on disk has a launcher and was made from exactly these inputs. */
export function isBuildCurrent(bundle: AppBundle, stamp: string): boolean {
  if (!existsSync(bundle.launcher) || !existsSync(bundle.stampFile)) return false;
  try {
    const recorded: unknown = JSON.parse(readFileSync(bundle.stampFile, "utf8"));
    return typeof recorded === "object" && recorded !== null && (recorded as { stamp?: unknown }).stamp === stamp;
  } catch {
    // An unreadable stamp is an old or broken build: build again.
    return false;
  }
}
