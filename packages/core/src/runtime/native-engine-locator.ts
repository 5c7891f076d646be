import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The environment variable naming the folder that holds engines installed outside
 * `node_modules` (one sub-folder per package, as `pnpm setup:tensorflow` writes them).
 */
export const ENGINES_DIR_ENV_VAR = 'MARIA_ENGINES_DIR';

/** The folder name `pnpm setup:tensorflow` installs engines under, at the repository root. */
export const ENGINES_DIR_NAME = '.engines';

export interface LocateEngineOptions {
  /** Environment to read `MARIA_ENGINES_DIR` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folders whose ancestors are searched for `.engines/`. Default: the working directory and this module's folder. */
  readonly searchFrom?: readonly string[];
}

/** `@tensorflow/tfjs-node` → `tfjs-node`: the sub-folder of `.engines/` that holds the package. */
export function engineInstallFolderName(packageName: string): string {
  return packageName.split('/').at(-1) ?? packageName;
}

function ancestors(start: string): string[] {
  const found: string[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    found.push(dir);
    if (path.dirname(dir) === dir) return found;
  }
}

/** The entry file of `packageName` installed under `enginesDir`, if it is there. */
function resolveIn(enginesDir: string, packageName: string): string | undefined {
  const installDir = path.join(enginesDir, engineInstallFolderName(packageName));
  const manifest = path.join(installDir, 'node_modules', ...packageName.split('/'), 'package.json');
  if (!fs.existsSync(manifest)) return undefined;
  try {
    return createRequire(path.join(installDir, 'package.json')).resolve(packageName);
  } catch {
    return undefined;
  }
}

/**
 * Finds a native engine package that `pnpm setup:tensorflow` installed outside the
 * workspace's `node_modules` (so the frozen lockfile never depends on a native build):
 * `$MARIA_ENGINES_DIR/<name>/node_modules/<package>` when the variable is set, else the
 * nearest `.engines/<name>/…` above the working directory or above this module (the
 * repository's own checkout). Returns the package's entry file, or `undefined`.
 */
export function locateInstalledEngine(packageName: string, options: LocateEngineOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const configured = env[ENGINES_DIR_ENV_VAR];
  if (configured) return resolveIn(path.resolve(configured), packageName);
  const starts = options.searchFrom ?? [process.cwd(), path.dirname(fileURLToPath(import.meta.url))];
  const seen = new Set<string>();
  for (const start of starts) {
    for (const dir of ancestors(start)) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const entry = resolveIn(path.join(dir, ENGINES_DIR_NAME), packageName);
      if (entry) return entry;
    }
  }
  return undefined;
}
