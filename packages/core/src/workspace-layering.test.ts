import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from './fs/workspace-root.js';

/**
 * The dependency rule of ARCHITECTURE.md §3.2, checked on the workspace as it is: a package may
 * depend only on packages of a lower layer, never on an app, and core on nothing here but the
 * tooling. Layers: core; then the model-free packages and the backbones; then the head; then
 * decoding and the embedded model; then the tasks built on a MARIA model.
 */
const LAYER: Readonly<Record<string, number>> = {
  '@maria-ts/core': 0,
  '@maria-ts/masking': 1,
  '@maria-ts/backbones': 1,
  '@maria-ts/elo': 1,
  '@maria-ts/fusion-head': 2,
  '@maria-ts/kv-decoder': 3,
  '@maria-ts/model-tiny': 3,
  '@maria-ts/annealer': 4,
  '@maria-ts/eval': 4,
  '@maria-ts/maria': 5,
};

/** Build and test presets every package may use; they hold no runtime code. */
const TOOLING = new Set(['@maria-ts/eslint-config', '@maria-ts/tsconfig', '@maria-ts/vitest-config']);

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const ROOT = workspaceRoot(path.dirname(fileURLToPath(import.meta.url))) as string;
const folders = (parent: string) => readdirSync(path.join(ROOT, parent), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => path.join(ROOT, parent, entry.name));
const manifest = (folder: string) => JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Manifest;
const workspaceNames = (record: Record<string, string> | undefined) => Object.keys(record ?? {}).filter((name) => name.startsWith('@maria-ts/'));

/** Every TypeScript source file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('the workspace dependency rule (ARCHITECTURE.md §3.2)', () => {
  const packages = folders('packages').map((folder) => ({ folder, manifest: manifest(folder) }));
  const apps = new Set(folders('apps').map((folder) => manifest(folder).name));

  it('knows the layer of every package', () => {
    expect(packages.map((entry) => entry.manifest.name).sort()).toEqual(Object.keys(LAYER).sort());
  });

  it('lets a package depend only on lower layers and tooling, never on an app', () => {
    for (const { manifest: pkg } of packages) {
      const layer = LAYER[pkg.name] as number;
      for (const dependency of [...workspaceNames(pkg.dependencies), ...workspaceNames(pkg.peerDependencies), ...workspaceNames(pkg.devDependencies)]) {
        if (TOOLING.has(dependency)) continue;
        expect(apps.has(dependency), `${pkg.name} depends on the app ${dependency}`).toBe(false);
        expect(LAYER[dependency], `${pkg.name} (layer ${layer}) depends on ${dependency}`).toBeLessThan(layer);
      }
    }
  });

  it('keeps core on TensorFlow.js alone', () => {
    const core = packages.find((entry) => entry.manifest.name === '@maria-ts/core')?.manifest;
    expect(Object.keys(core?.dependencies ?? {}).every((name) => name.startsWith('@tensorflow/'))).toBe(true);
    expect(Object.keys(core?.peerDependencies ?? {}).every((name) => name.startsWith('@tensorflow/'))).toBe(true);
  });

  it('imports only declared workspace packages (the root install would resolve others)', () => {
    for (const { folder, manifest: pkg } of packages) {
      const declared = new Set([pkg.name, ...workspaceNames(pkg.dependencies), ...workspaceNames(pkg.peerDependencies), ...workspaceNames(pkg.devDependencies)]);
      for (const file of sources(path.join(folder, 'src'))) {
        for (const match of readFileSync(file, 'utf8').matchAll(/from '(@maria-ts\/[a-z-]+)/g)) {
          expect(declared.has(match[1] as string), `${path.relative(ROOT, file)} imports ${match[1]}, which ${pkg.name} does not declare`).toBe(true);
        }
      }
    }
  });
});
