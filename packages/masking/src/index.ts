/**
 * @maria-ts/masking: which positions MARIA hides and how. Seeded mask samplers (the
 * paper's per-sequence Beta(2.5, 2.5) rate, a fixed rate, MDLM's t, and an exact count for
 * evaluation), the MLM input x̃ (`applyMask`, with BERT's 80/10/10 as an option), and
 * word-level `[MASK]` strings parsed into token ids and masked positions.
 */
export * from './apply-mask.js';
export * from './bernoulli-mask.js';
export * from './beta-mask-sampler.js';
export * from './create-mask-sampler.js';
export * from './eligibility.js';
export * from './errors.js';
export * from './fixed-count-mask-sampler.js';
export * from './fixed-rate-mask-sampler.js';
export * from './mask-sampler.js';
export * from './mdlm-mask-sampler.js';
export * from './parse-masked-text.js';
export * from './sample-mask-batch.js';
