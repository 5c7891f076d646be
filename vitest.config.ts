import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * wasm threads for the test processes. The thread count is fixed per process (the wasm
 * module loads once), so the suite runs on one thread unless `MARIA_THREADS` says otherwise
 * (`MARIA_THREADS=2 pnpm test` runs everything on two), and test files running side by side
 * do not oversubscribe the cores. Forked test processes inherit this environment.
 */
process.env.MARIA_THREADS ??= '1';

/**
 * The engine of the test processes and of the processes they spawn: wasm, the engine every
 * machine has, even where `pnpm setup:tensorflow` installed native TensorFlow (which `auto`
 * would pick). The `*-tensorflow` projects below set `MARIA_ENGINE=tensorflow`; tests that
 * check the engine choice itself pass their own environment.
 */
process.env.MARIA_ENGINE ??= 'wasm';

/**
 * One root config; every package and app is a vitest project with its own
 * `vitest.config.ts` built from `@maria-ts/vitest-config`. `core-threads-2`,
 * `backbones-threads-2`, `fusion-head-threads-2` and `kv-decoder-threads-2` run those suites
 * once more with `MARIA_THREADS=2` (the tfjs pattern: one suite on every engine configuration;
 * their tests start the engine without a thread count, so the variable decides); the files
 * that pin their own thread counts run once, in `core`. `core-tensorflow`, `optim-tensorflow`,
 * `backbones-tensorflow`, `fusion-head-tensorflow` and `kv-decoder-tensorflow` run the
 * numerical suites on native TensorFlow when `pnpm setup:tensorflow` installed it (see
 * `tensorflowProjects`).
 */
/**
 * Where `@tensorflow/tfjs-node` is, if installed: by `pnpm setup:tensorflow` in `.engines/`
 * (or `$MARIA_ENGINES_DIR`), or by hand in the workspace. Only its presence is checked here:
 * a binding that is present but broken fails the tensorflow projects loudly.
 */
function tensorflowEngineLocation(): string | undefined {
  const enginesDir = process.env.MARIA_ENGINES_DIR ?? path.join(ROOT, '.engines');
  const installed = path.join(enginesDir, 'tfjs-node', 'node_modules', '@tensorflow', 'tfjs-node', 'package.json');
  if (fs.existsSync(installed)) return path.dirname(installed);
  try {
    return path.dirname(createRequire(path.join(ROOT, 'packages', 'core', 'package.json')).resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Tests that only mean something on wasm (its threads, its replacement kernels, the thread
 * pool switch) or on no engine at all, left out of the `*-tensorflow` projects by name.
 */
const WASM_ONLY_TESTS = [
  'src/runtime/wasm-threads.test.ts',
  'src/runtime/wasm-threads-fallback.test.ts',
  'src/runtime/wasm-threads-lifecycle.test.ts',
  'src/runtime/wasm-copy-kernels.test.ts',
  'src/runtime/thread-pool-switch.test.ts',
];

/**
 * Per package, the tests that start no engine (config parsing, tokenizers, safetensors IO,
 * sampling on the host): they depend neither on the engine nor on its thread count, so they
 * run once, not again in the `*-threads-2` and `*-tensorflow` projects.
 */
const ENGINE_FREE_TESTS: Readonly<Record<string, readonly string[]>> = {
  backbones: ['src/**/config.test.ts', 'src/config/**', 'src/tokenizer/**', 'src/io/!(special-files).test.ts', 'src/parameters/**'],
  'fusion-head': ['src/tokenizer-compatibility.test.ts'],
  'kv-decoder': ['src/sampling/**'],
};

/**
 * The numerical suites once more on native TensorFlow (`MARIA_ENGINE=tensorflow`): every
 * backbone golden and KV-cache invariant, PoE init = averaged logits and the head's
 * gradients, MARIA's KV-cached infill (Algorithm 1), core's gradient checks, training step
 * and engine-backed ops, and the optimiser (AdamW against PyTorch's update). core's
 * engine-independent tests (CLI, errors, RNG, files) and the wasm-only tests do not run twice.
 * When the engine is not installed the projects are left out and one line says so, so they
 * never vanish silently.
 */
function tensorflowProjects(): TestProjectInlineConfiguration[] {
  const names = [...['core', 'optim', 'backbones', 'fusion-head', 'kv-decoder'].map((name) => `${name}-tensorflow`), 'kv-decoder-hybrid'];
  const location = tensorflowEngineLocation();
  if (!location) {
    process.stdout.write(`vitest: ${names.join(', ')} did not run: @tensorflow/tfjs-node is not installed (run pnpm setup:tensorflow); the numerical suites ran on wasm only\n`);
    return [];
  }
  const env = { MARIA_ENGINE: 'tensorflow', TF_CPP_MIN_LOG_LEVEL: '2' };
  return [
    // MARIA's infill suite once more on the hybrid engine: decode steps on wasm, the MLM pass
    // and the head's MLM half on native TensorFlow (KV-cached = full forward, batcher = alone).
    {
      extends: './packages/kv-decoder/vitest.config.ts',
      root: './packages/kv-decoder',
      test: { name: 'kv-decoder-hybrid', env: { MARIA_ENGINE: 'hybrid', TF_CPP_MIN_LOG_LEVEL: '2' }, exclude: ['**/node_modules/**', ...WASM_ONLY_TESTS, ...(ENGINE_FREE_TESTS['kv-decoder'] ?? [])] },
    },
    ...['optim', 'backbones', 'fusion-head', 'kv-decoder'].map((name) => ({
      extends: `./packages/${name}/vitest.config.ts`,
      root: `./packages/${name}`,
      test: { name: `${name}-tensorflow`, env, exclude: ['**/node_modules/**', ...WASM_ONLY_TESTS, ...(ENGINE_FREE_TESTS[name] ?? [])] },
    })),
    {
      extends: './packages/core/vitest.config.ts',
      root: './packages/core',
      test: {
        name: 'core-tensorflow',
        env,
        // Everything but the numerical parts: the CLI helpers, files, errors, RNG, registry and
        // the engine-selection tests (which choose their engines themselves).
        exclude: ['**/node_modules/**', ...WASM_ONLY_TESTS, 'src/cli/**', 'src/fs/**', 'src/*.test.ts', 'src/runtime/engine*.test.ts', 'src/runtime/native-engine-locator.test.ts'],
      },
    },
  ];
}

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      'examples',
      // The golden and invariant suites at two wasm threads: every backbone family (KV-cached
      // decoding equals a full forward, loaded checkpoints equal the PyTorch goldens), the
      // fusion head (PoE init equals averaged logits, gradients) and MARIA's KV-cached infill.
      ...['backbones', 'fusion-head', 'kv-decoder'].map((name) => ({
        extends: `./packages/${name}/vitest.config.ts`,
        root: `./packages/${name}`,
        // Tests that start no engine compute the same at any thread count: they run once.
        test: { name: `${name}-threads-2`, env: { MARIA_THREADS: '2' }, exclude: ['**/node_modules/**', ...(ENGINE_FREE_TESTS[name] ?? [])] },
      })),
      {
        extends: './packages/core/vitest.config.ts',
        root: './packages/core',
        test: {
          name: 'core-threads-2',
          env: { MARIA_THREADS: '2' },
          // The CLI helpers, files, errors and RNG start no engine; the fallback and lifecycle
          // tests choose their own thread counts.
          exclude: ['**/node_modules/**', 'src/cli/**', 'src/fs/**', 'src/*.test.ts', 'src/runtime/wasm-threads-fallback.test.ts', 'src/runtime/wasm-threads-lifecycle.test.ts'],
        },
      },
      ...tensorflowProjects(),
    ],
  },
});
