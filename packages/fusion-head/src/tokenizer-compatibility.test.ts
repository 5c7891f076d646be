import path from 'node:path';
import { TokenizerMismatchError } from '@maria-ts/core';
import { HuggingFaceTokenizer, loadTokenizer, type TokenizerJson } from '@maria-ts/backbones';
import { testDataPath } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';
import { assertTokenizersPair } from './tokenizer-compatibility.js';

let olmo: HuggingFaceTokenizer;
let modernBert: HuggingFaceTokenizer;
let gpt2: HuggingFaceTokenizer;
beforeAll(async () => {
  olmo = await loadTokenizer(testDataPath('tokenizers', 'olmo', 'allenai_gpt-neox-olmo-dolma-v1_5.json'));
  modernBert = await loadTokenizer(testDataPath('tokenizers', 'modernbert'));
  gpt2 = await loadTokenizer(testDataPath('tokenizers', 'gpt2'));
});

function mismatch(head: HuggingFaceTokenizer, other: HuggingFaceTokenizer): string {
  try {
    assertTokenizersPair(head, other, 'the AR', 'the MLM');
  } catch (error) {
    expect(TokenizerMismatchError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a TokenizerMismatchError');
}

describe('assertTokenizersPair', () => {
  it("accepts the paper's pair: OLMo-1 for the head, ModernBERT (OLMo-1's vocabulary plus special tokens) beside it", () => {
    expect(modernBert.vocabSize).toBe(50368);
    expect(olmo.vocabSize).toBe(50280);
    expect(modernBert.fingerprint()).not.toBe(olmo.fingerprint());
    expect(modernBert.specialTokens.mask).toBe(50284);
    expect(() => assertTokenizersPair(olmo, modernBert, 'the AR', 'the MLM')).not.toThrow();
  });

  it('refuses GPT-2 against OLMo-1, naming the first differing token (id and both strings)', () => {
    expect(mismatch(gpt2, olmo)).toBe('tokenizers differ between the AR and the MLM: base vocabularies differ at id 0: "!" vs "|||IP_ADDRESS|||"');
    expect(mismatch(olmo, gpt2)).toContain('base vocabularies differ at id 0: "|||IP_ADDRESS|||" vs "!"');
  });

  it('accepts the embedded tiny pair (one tokenizer on both sides)', async () => {
    const shared = await loadTokenizer(path.join(MONOREPO_TINY_TOKENIZER_DIR, 'maria', 'tokenizer.json'));
    const own = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
    expect(() => assertTokenizersPair(shared, own, 'the AR', 'the MLM')).not.toThrow();
  });

  it('refuses when the head could emit an id the other side lacks or reads differently', () => {
    // ModernBERT's extra tokens are fine beside OLMo-1, not as the head's vocabulary.
    expect(mismatch(modernBert, olmo)).toBe('tokenizers differ between the AR and the MLM: the tokens the head can emit differ at id 50280: "[UNK]" vs (no token)');
    const renamed = structuredClone(modernBert.json) as unknown as { added_tokens: { id: number; content: string }[] };
    const token = renamed.added_tokens.find((entry) => entry.id === 50279) as { content: string };
    token.content = '<|other|>';
    expect(mismatch(olmo, new HuggingFaceTokenizer(renamed as unknown as TokenizerJson))).toContain('the tokens the head can emit differ at id 50279: "<|endoftext|>" vs "<|other|>"');
  });

  it('refuses equal vocabularies whose merges differ, naming the first differing merge', () => {
    const json = structuredClone(modernBert.json) as { model: { merges: unknown[] } };
    [json.model.merges[3], json.model.merges[4]] = [json.model.merges[4], json.model.merges[3]];
    expect(mismatch(olmo, new HuggingFaceTokenizer(json as unknown as TokenizerJson))).toMatch(/merges differ at rank 3: ".+" vs ".+"/);
  });
});
