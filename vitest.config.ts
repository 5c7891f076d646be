import { defineConfig } from 'vitest/config';

/**
 * wasm threads for the test processes. The thread count is fixed per process (the wasm
 * module loads once), so the suite runs on one thread unless `MARIA_THREADS` says otherwise
 * (`MARIA_THREADS=2 pnpm test` runs everything on two), and test files running side by side
 * do not oversubscribe the cores. Forked test processes inherit this environment.
 */
process.env.MARIA_THREADS ??= '1';

/**
 * One root config; every package and app is a vitest project with its own
 * `vitest.config.ts` built from `@maria-ts/vitest-config`. `core-threads-2`,
 * `backbones-threads-2`, `fusion-head-threads-2` and `kv-decoder-threads-2` run those suites
 * once more with `MARIA_THREADS=2` (the tfjs pattern: one suite on every engine configuration;
 * their tests start the engine without a thread count, so the variable decides); the files
 * that pin their own thread counts run once, in `core`.
 */
export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'apps/*',
      // The golden and invariant suites at two wasm threads: every backbone family (KV-cached
      // decoding equals a full forward, loaded checkpoints equal the PyTorch goldens), the
      // fusion head (PoE init equals averaged logits, gradients) and MARIA's KV-cached infill.
      ...['backbones', 'fusion-head', 'kv-decoder'].map((name) => ({
        extends: `./packages/${name}/vitest.config.ts`,
        root: `./packages/${name}`,
        test: { name: `${name}-threads-2`, env: { MARIA_THREADS: '2' } },
      })),
      {
        extends: './packages/core/vitest.config.ts',
        root: './packages/core',
        test: {
          name: 'core-threads-2',
          env: { MARIA_THREADS: '2' },
          exclude: ['**/node_modules/**', 'src/runtime/wasm-threads-fallback.test.ts', 'src/runtime/wasm-threads-lifecycle.test.ts'],
        },
      },
    ],
  },
});
