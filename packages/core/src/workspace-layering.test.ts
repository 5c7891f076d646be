import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from './fs/workspace-root.js';

/**
 * The dependency rule of ARCHITECTURE.md §3.2. Imports are checked by dependency-cruiser
 * (`.dependency-cruiser.cjs`, run by `pnpm lint:deps` and the test command's static lane; the
 * last test here proves it catches a planted wrong import); this file checks what it cannot
 * see, the declared `package.json` lists: a package may declare only packages of a lower layer
 * (`dependency-layers.json`, shared with the cruiser), never an app, and core nothing here
 * but the tooling.
 */
const LAYER: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(path.join(workspaceRoot(path.dirname(fileURLToPath(import.meta.url))) as string, 'dependency-layers.json'), 'utf8')) as Record<string, number>).map(([name, layer]) => [
    `@maria-ts/${name}`,
    layer,
  ]),
);

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

  it('dependency-cruiser fails on a planted wrong import (a decoder importing a task, an app importing an app, production code importing a test helper) and passes on allowed ones', async () => {
    const { cruise } = await import('dependency-cruiser');
    const config = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };
    const tree = mkdtempSync(path.join(os.tmpdir(), 'maria-deps-'));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      writeFileSync(path.join(tree, file), text);
    };
    const violations = async () => {
      const result = await cruise(['packages', 'apps'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, baseDir: tree } as never);
      const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
      return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    };
    try {
      write('packages/core/src/errors.ts', 'export const E = 1;\n');
      write('packages/annealer/src/anneal.ts', "import { E } from '../../core/src/errors.js';\nexport const A = E;\n");
      write('packages/kv-decoder/src/decode.ts', "import { E } from '../../core/src/errors.js';\nexport const D = E;\n");
      write('packages/fusion-head/src/testing/random.ts', 'export const R = 2;\n');
      write('packages/fusion-head/src/head.test.ts', "import { R } from './testing/random.js';\nexport const T = R;\n");
      write('apps/train/src/train.ts', "import { A } from '../../../packages/annealer/src/anneal.js';\nexport const X = A;\n");
      expect(await violations()).toEqual([]);
      write('packages/kv-decoder/src/decode.ts', "import { A } from '../../annealer/src/anneal.js';\nexport const D = A;\n");
      write('apps/bench/src/bench.ts', "import { X } from '../../train/src/train.js';\nexport const B = X;\n");
      write('packages/fusion-head/src/head.ts', "import { R } from './testing/random.js';\nexport const H = R;\n");
      expect((await violations()).sort()).toEqual([
        'layer-kv-decoder: packages/kv-decoder/src/decode.ts -> packages/annealer/src/anneal.ts',
        'no-app-imports-an-app: apps/bench/src/bench.ts -> apps/train/src/train.ts',
        'no-test-helper-in-production: packages/fusion-head/src/head.ts -> packages/fusion-head/src/testing/random.ts',
      ]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
