import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from '../fs/workspace-root.js';

/**
 * A path inside the repository's own test data (`tooling/test-data`: tiny checkpoints with
 * their float64 goldens, tokenizers, short licensed text excerpts; its README lists each file's
 * origin and licence). Every test reads from here, so a bare clone runs the whole suite. The
 * workspace is found from this module's location, or from the working directory when the
 * module runs from a copy outside the workspace.
 */
export function testDataPath(...parts: string[]): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = workspaceRoot(here) ?? workspaceRoot(process.cwd());
  if (root === undefined) throw new Error(`no pnpm-workspace.yaml above ${here} or ${process.cwd()}: the test data lives in the MARIA-TS repository's tooling/test-data`);
  return join(root, 'tooling', 'test-data', ...parts);
}
