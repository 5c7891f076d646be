// @ts-check
import { defineProject } from 'vitest/config';

/** The export condition that maps every `@maria-ts/*` import to its TypeScript source. */
export const SOURCE_CONDITION = '@maria-ts/source';

/**
 * A vitest project for one package. Tests resolve workspace packages through the
 * `@maria-ts/source` export condition, so nothing has to be built before `vitest run`.
 * Numerical tests on wasm are slow next to ordinary unit tests, hence the generous timeouts.
 * @param {string} name project name shown by vitest
 * @param {{ testTimeout?: number, include?: string[] }} [options]
 */
export function packageProject(name, options = {}) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, 'import', 'node', 'default'] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, 'import', 'node', 'default'] } },
    test: {
      name,
      environment: 'node',
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  });
}
