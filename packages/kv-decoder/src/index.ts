/**
 * @maria-ts/kv-decoder: MARIA's infilling decoder (Algorithm 1: one MLM pass, then AR
 * decoding with a KV cache) and the ways it picks tokens. So far it holds the token
 * sampling (greedy, temperature, top-k, top-p, seeded); the decoder follows.
 */
export * from './sampling/index.js';
