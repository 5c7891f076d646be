/**
 * @maria-ts/eval: scoring MARIA and its baselines (exact masked perplexity, datasets, the
 * POS probe) and the reports they produce (tables and charts).
 */
export * from './report/index.js';
export * from './datasets/index.js';
export * from './masked-ppl/index.js';
export * from './pos-probe/index.js';
export * from './errors.js';
