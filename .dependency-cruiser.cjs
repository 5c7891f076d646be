// @ts-check
/**
 * The dependency rule of ARCHITECTURE.md §3.2, enforced by dependency-cruiser on every import
 * in packages/ and apps/ (`pnpm lint:deps`; `packages/core/src/workspace-layering.test.ts` runs
 * it in the test suite on the tree and on a planted wrong import).
 *
 * A package may import core and packages of a lower layer (and itself), never an app; an app
 * may import any package, never another app; no production file imports a test helper.
 */

/** Layers, lowest first (dependency-layers.json): a package imports only packages of a strictly lower layer. */
/** @type {Record<string, number>} */
const LAYERS = require('./dependency-layers.json');

/** @param {string} name */
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One rule per package: anything in packages/ or apps/ outside its allowed set is an error. */
const layerRules = Object.entries(LAYERS).map(([name, layer]) => {
  const allowed = [name, ...Object.entries(LAYERS).filter(([, other]) => other < layer).map(([other]) => other)];
  return {
    name: `layer-${name}`,
    comment: `@maria-ts/${name} (layer ${layer}) may import only ${allowed.join(', ')} (ARCHITECTURE.md §3.2)`,
    severity: 'error',
    from: { path: `^packages/${escape(name)}/` },
    to: { path: '^(packages|apps)/', pathNot: `^packages/(${allowed.map(escape).join('|')})/` },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'package-not-in-layers',
      comment: 'every package has a layer in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^packages/', pathNot: `^packages/(${Object.keys(LAYERS).map(escape).join('|')})/` },
      to: {},
    },
    {
      name: 'no-app-imports-an-app',
      comment: 'code two apps need belongs in a package (ARCHITECTURE.md §3.2)',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-test-helper-in-production',
      comment: 'test helpers (src/testing/, *.test-support.ts) are for tests only',
      severity: 'error',
      from: { path: '^(packages|apps)/', pathNot: ['\\.test\\.ts$', '\\.test-support\\.ts$', '/src/testing/', '^(packages|apps)/[^/]+/test/'] },
      to: { path: ['/src/testing/', '\\.test-support\\.ts$'] },
    },
    {
      name: 'core-only-on-tensorflow',
      comment: 'core depends on nothing in the repository but its own files (and TensorFlow.js)',
      severity: 'error',
      from: { path: '^packages/core/', pathNot: ['\\.test\\.ts$', '/src/testing/'] },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'undetermined'], pathNot: ['@tensorflow', '^packages/core/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)(dist|node_modules)/', '(^|/)(vitest|eslint)\\.config\\.(ts|js)$'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@maria-ts/source', 'import', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
