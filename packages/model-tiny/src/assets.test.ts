import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader } from '@maria-ts/backbones';
import { MODEL_TINY_ASSETS, TINY_SPECIAL_TOKENS, loadTinyTokenizer } from './assets.js';

/** The package's budget for the three backbones (AR, MLM, diffusion), fp16 safetensors. */
const BACKBONE_BUDGET_BYTES = 32_000_000;

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

  it(`stores the three backbones in fp16 within ${BACKBONE_BUDGET_BYTES / 1e6} MB`, async () => {
    let total = 0;
    for (const backbone of ['ar', 'mlm', 'diffusion']) {
      const file = path.join(MODEL_TINY_ASSETS, 'maria', backbone, 'model.safetensors');
      const header = await readSafetensorsHeader(file);
      expect([...new Set(header.entries.map((entry) => entry.dtype))], backbone).toEqual(['F16']);
      total += header.fileSize;
    }
    expect(total).toBeLessThanOrEqual(BACKBONE_BUDGET_BYTES);
  });
});
