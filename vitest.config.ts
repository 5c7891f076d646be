import { defineConfig } from 'vitest/config';

/**
 * One root config; every package and app is a vitest project with its own
 * `vitest.config.ts` built from `@maria-ts/vitest-config`.
 */
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
