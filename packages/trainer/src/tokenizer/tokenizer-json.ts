import type { BpeSource } from './bpe-source.js';
import type { TruncatedBpe } from './truncate-bpe.js';

/**
 * The Hugging Face tokenizer.json for a truncated BPE. The pipeline sections and model options
 * are copied from the source, so text is split and decoded exactly as the source does; only
 * the vocabulary, the merges and the added (special) tokens change. Specials are also listed in
 * `model.vocab` (as GPT-2's `<|endoftext|>` is), so every id in [0, vocab size) has a token.
 * Keys are written in a fixed order so rebuilding gives identical bytes.
 */
export function tokenizerJsonFor(source: BpeSource, bpe: TruncatedBpe): Record<string, unknown> {
  const specialIdOffset = bpe.tokens.length - bpe.specialTokens.length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: bpe.specialTokens.map((content, index) => ({
      id: specialIdOffset + index,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: source.pipeline.normalizer,
    pre_tokenizer: source.pipeline.pre_tokenizer,
    post_processor: source.pipeline.post_processor,
    decoder: source.pipeline.decoder,
    model: {
      ...source.modelOptions,
      vocab: Object.fromEntries(bpe.tokens.map((token, id) => [token, id])),
      merges: bpe.merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

/**
 * The companion tokenizer_config.json. Its one setting that matters at runtime is
 * `clean_up_tokenization_spaces: false`: both the Python and the JS libraries default to
 * `true`, which rewrites ` ,` to `,` on decode and breaks the exact round trip of text such as
 * WikiText. Loaders should pass this config to `new Tokenizer(json, config)`.
 */
export function tokenizerConfigFor(endOfText: string, mask: string, pad: string): Record<string, unknown> {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    add_prefix_space: false,
    bos_token: endOfText,
    eos_token: endOfText,
    unk_token: endOfText,
    mask_token: mask,
    pad_token: pad,
    clean_up_tokenization_spaces: false,
  };
}
