/**
 * @maria-ts/kv-decoder: MARIA's infilling decoder (Algorithm 1: one MLM pass, then AR
 * decoding with a KV cache), the baselines behind the same interface (MLM AR-decode,
 * masked diffusion, AR-only), and the ways they pick tokens (greedy, temperature, top-k,
 * top-p, seeded).
 */
export * from './infill/index.js';
export * from './sampling/index.js';
