export * from './argmax.js';
export * from './check-logits.js';
export * from './sample-token.js';
export * from './sampling-distribution.js';
export * from './sampling-options.js';
