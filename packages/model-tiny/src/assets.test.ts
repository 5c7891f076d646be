import { describe, expect, it } from 'vitest';
import { TINY_SPECIAL_TOKENS, loadTinyTokenizer } from './assets.js';

describe('model-tiny assets', () => {
  it('loads the 8,192-id tokenizer with its special tokens and exact round trips', async () => {
    const tokenizer = await loadTinyTokenizer();
    expect(tokenizer.vocabSize).toBe(8192);
    expect(tokenizer.specialTokens.mask).toBe(TINY_SPECIAL_TOKENS.mask);
    expect(tokenizer.specialTokens.pad).toBe(TINY_SPECIAL_TOKENS.pad);
    expect(tokenizer.tokenToId('<|endoftext|>')).toBe(TINY_SPECIAL_TOKENS.endOfText);
    const text = 'The cat sat on the mat , and it said : " hello ... world " .';
    const ids = tokenizer.encode(text);
    expect(ids.every((id) => id >= 0 && id < 8189)).toBe(true);
    expect(tokenizer.decode(ids)).toBe(text);
    // GPT-2's ids for common words survive the truncation to 7,933 merges.
    expect(tokenizer.encode(' the')).toEqual([262]);
  });
});
