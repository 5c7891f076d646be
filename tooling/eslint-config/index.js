// @ts-check
import tseslint from 'typescript-eslint';

/**
 * The lint preset. Beyond the recommended TypeScript rules it bans `Math.random`
 * (randomness is injected through core's seeded RNG so runs are reproducible) and
 * non-null assertions' quieter cousin, unused variables.
 */
export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded Rng from @maria-ts/core.' },
      ],
    },
  },
);
