/** GPT-2's end-of-text token. The tiny models use it as BOS (prepended to the AR input) and as the document separator. */
export const END_OF_TEXT_TOKEN = '<|endoftext|>';
/** The MLM's mask token; also what word-level `[MASK]` strings in user text become. */
export const MASK_TOKEN = '[MASK]';
/** Padding for batches of unequal length; never trained on. */
export const PAD_TOKEN = '[PAD]';

/** The special tokens of the tiny tokenizer, in id order: they take the last three ids. */
export const TINY_SPECIAL_TOKENS = [END_OF_TEXT_TOKEN, MASK_TOKEN, PAD_TOKEN] as const;

/** Byte tokens + merges + these specials: 256 + 7933 + 3 = 8192, a power of two that fits uint16 shards and tiles matmuls evenly. */
export const TINY_VOCAB_SIZE = 8192;
/** The number of GPT-2 merges that makes the tiny vocabulary exactly `TINY_VOCAB_SIZE`. */
export const TINY_MERGE_COUNT = TINY_VOCAB_SIZE - 256 - TINY_SPECIAL_TOKENS.length;
