import { type ARBackbone, type MLMBackbone, type Tokenizer, InvalidArgumentError } from '@maria-ts/core';
import { createBackbone } from '@maria-ts/backbones';
import { productOfExpertsHead } from './linear-fusion-head.js';
import { MariaModel } from './maria-model.js';

/** Options of `createRandomMariaModel`. */
export interface RandomMariaModelOptions {
  /** The shared tokenizer; its vocab size and special ids shape both backbones. */
  readonly tokenizer: Tokenizer;
  readonly seed?: number;
  /** Hidden width of both backbones (default 32). */
  readonly hiddenSize?: number;
  /** Layers of both backbones (default 2). */
  readonly numLayers?: number;
  /** Also build a (random) diffusion encoder. */
  readonly withDiffusion?: boolean;
  /** Extra vocab-projection rows past the tokenizer's ids (ModernBERT-style padding), per backbone. */
  readonly vocabPadding?: { readonly ar?: number; readonly mlm?: number };
}

/**
 * A small, randomly initialised MARIA (Llama-style AR + ModernBERT-style MLM + PoE head) on
 * a real tokenizer, for tests and examples that need the full stack but not trained weights.
 * Deterministic in `seed`. The caller disposes it.
 */
export function createRandomMariaModel(options: RandomMariaModelOptions): MariaModel {
  const { tokenizer } = options;
  const seed = options.seed ?? 0;
  const hidden = options.hiddenSize ?? 32;
  const layers = options.numLayers ?? 2;
  const mask = tokenizer.specialTokens.mask;
  if (mask === undefined) throw new InvalidArgumentError('tokenizer', 'no mask token', 'a tokenizer with a [MASK] token');
  const bos = tokenizer.specialTokens.bos ?? tokenizer.specialTokens.eos;
  const common = { hidden_size: hidden, num_hidden_layers: layers, num_attention_heads: 2, initializer_range: 0.2, max_position_embeddings: 2048 };
  const ar = createBackbone('llama', {
    ...common, vocab_size: tokenizer.vocabSize + (options.vocabPadding?.ar ?? 0), num_key_value_heads: 2, intermediate_size: hidden * 2, hidden_act: 'silu', rms_norm_eps: 1e-5, rope_theta: 10000,
    tie_word_embeddings: false, ...(bos !== undefined ? { bos_token_id: bos } : {}),
  }, { seed }) as ARBackbone;
  const encoder = (offset: number) => createBackbone('modernbert', {
    ...common, vocab_size: tokenizer.vocabSize + (options.vocabPadding?.mlm ?? 0), intermediate_size: hidden * 2, hidden_activation: 'gelu', global_attn_every_n_layers: 3, local_attention: 16,
    global_rope_theta: 160000, local_rope_theta: 10000, norm_eps: 1e-5, norm_bias: false, decoder_bias: true, tie_word_embeddings: true, mask_token_id: mask,
  }, { seed: seed + offset, maskTokenId: mask }) as MLMBackbone;
  const mlm = encoder(1);
  const diffusion = options.withDiffusion ? encoder(2) : undefined;
  const head = productOfExpertsHead(ar.outputProjection(), mlm.outputProjection(), tokenizer.vocabSize);
  return new MariaModel({ ar, mlm, head, tokenizer, ...(diffusion ? { diffusion } : {}) });
}
