import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The nearest folder at or above `start` that holds `pnpm-workspace.yaml`, if any: the root
 * of a MARIA-TS checkout, beside which the data folder and inside which the test data live.
 */
export function workspaceRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
