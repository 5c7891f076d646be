import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { byteLevelBpeTokenizerJson, parseMergesText, validateVocabJson } from './byte-level-bpe.js';
import { HuggingFaceTokenizer } from './hugging-face-tokenizer.js';
import { loadTokenizer } from './load-tokenizer.js';
import type { TokenizerJson } from './tokenizer-json.js';
import { testDataPath } from '@maria-ts/core/testing';

const DATA = testDataPath();
const FIXTURES = join(DATA, 'fixtures');
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;

describe('GPT-2 (lm-buddy-fake_gpt2, shared gpt2)', () => {
  let gpt2: HuggingFaceTokenizer;
  beforeAll(async () => {
    gpt2 = await loadTokenizer(join(FIXTURES, 'lm-buddy-fake_gpt2'));
  });

  it('encodes the golden texts to the golden GPT-2 ids and decodes them back exactly', async () => {
    const golden = (await readJson(join(FIXTURES, 'lm-buddy-fake_gpt2/golden.json'))) as { tokenizer: { text: string; ids: number[] }[] };
    expect(golden.tokenizer.length).toBeGreaterThan(0);
    for (const { text, ids } of golden.tokenizer) {
      expect(gpt2.encode(text)).toEqual(ids);
      expect(gpt2.decode(ids)).toBe(text);
    }
  });

  it('reads vocab size and special tokens from the config files', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.specialTokens).toEqual({ bos: 50256, eos: 50256 });
    expect(gpt2.tokenToId('<|endoftext|>')).toBe(50256);
    expect(gpt2.idToToken(50256)).toBe('<|endoftext|>');
    expect(gpt2.idToToken(50257)).toBeUndefined();
    expect(gpt2.idToToken(-1)).toBeUndefined();
    expect(gpt2.idToToken(1.5)).toBeUndefined();
  });

  it('matches special tokens in text whole and never adds any of its own', () => {
    expect(gpt2.encode('a<|endoftext|>b')).toEqual([64, 50256, 65]);
    expect(gpt2.encode('')).toEqual([]);
    expect(gpt2.decode([])).toBe('');
  });

  it('does not clean up tokenization spaces unless asked, so decode inverts encode', async () => {
    const text = 'a , b . c';
    expect(gpt2.decode(gpt2.encode(text))).toBe(text);
    const cleaning = await loadTokenizer(join(FIXTURES, 'lm-buddy-fake_gpt2'), { cleanUpTokenizationSpaces: true });
    expect(cleaning.decode(gpt2.encode(text))).toBe('a, b. c');
  });

  it('rejects ids outside the vocabulary with a typed error', () => {
    for (const bad of [50257, -1, 0.5, Number.NaN]) expect(() => gpt2.decode([1, bad])).toThrow(InvalidArgumentError);
  });

  it('has the same ids and fingerprint from the bare shared tokenizer.json (specials inferred)', async () => {
    const bare = await loadTokenizer(join(DATA, 'tokenizers/gpt2/tokenizer.json'));
    expect(bare.fingerprint()).toBe(gpt2.fingerprint());
    expect(bare.specialTokens).toEqual({ bos: 50256, eos: 50256 });
    const text = "Byte-level BPE: naïve café — 100% ✓\n\ttabs";
    expect(bare.encode(text)).toEqual(gpt2.encode(text));
  });

  it('builds the same tokenizer from vocab.json + merges.txt as from tokenizer.json', async () => {
    const directory = join(DATA, 'tokenizers/gpt2');
    const vocab = validateVocabJson('vocab.json', await readJson(join(directory, 'vocab.json')));
    const merges = parseMergesText('merges.txt', await readFile(join(directory, 'merges.txt'), 'utf8'));
    expect(merges.length).toBe(50000);
    const built = new HuggingFaceTokenizer(
      byteLevelBpeTokenizerJson(vocab, merges, { addedTokens: [{ id: 50256, content: '<|endoftext|>', special: true }] }),
    );
    expect(built.fingerprint()).toBe(gpt2.fingerprint());
    const text = "It's 2024: the  quick brown fox can't jump 3.14 metres<|endoftext|>";
    expect(built.encode(text)).toEqual(gpt2.encode(text));
    expect(built.decode(built.encode(text))).toBe(text);
  });

  it('fingerprints differ when merges differ even though the vocabulary size is the same', async () => {
    const json = (await readJson(join(DATA, 'tokenizers/gpt2/tokenizer.json'))) as TokenizerJson;
    const merges = [...(json.model.merges ?? [])];
    [merges[10], merges[11]] = [merges[11]!, merges[10]!];
    const swapped = new HuggingFaceTokenizer({ ...json, model: { ...json.model, merges } });
    expect(swapped.vocabSize).toBe(gpt2.vocabSize);
    expect(swapped.fingerprint()).not.toBe(gpt2.fingerprint());
    expect(new HuggingFaceTokenizer(json).fingerprint()).toBe(gpt2.fingerprint());
    expect(gpt2.fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('vocab.json + merges.txt without tokenizer.json (lm-buddy-tiny_gpt2)', () => {
  it('builds the byte-level BPE in memory: merges apply in rank order, unknown symbols become <unk>', async () => {
    const tiny = await loadTokenizer(join(FIXTURES, 'lm-buddy-tiny_gpt2'));
    expect(tiny.vocabSize).toBe(21);
    // pad_token is null in tokenizer_config.json: it stays unset rather than being guessed.
    expect(tiny.specialTokens).toEqual({ bos: 20, eos: 20 });
    // "lower": l o w e r, with merge "e r" → [l, o, w, er]; " newer": Ġ n e w er (no "Ġ n" merge).
    expect(tiny.encode('lower newer')).toEqual([0, 1, 2, 15, 10, 9, 3, 2, 15]);
    // " low": Ġ l → Ġl, Ġl o → Ġlo, Ġlo w → Ġlow.
    expect(tiny.encode(' low')).toEqual([14]);
    expect(tiny.encode('x')).toEqual([19]);
    expect(tiny.encode('<|endoftext|>low')).toEqual([20, 0, 1, 2]);
    expect(tiny.decode([0, 1, 2, 15, 14])).toBe('lower low');
  });
});

describe('WordPiece (lm-buddy-bert_tiniest)', () => {
  it('loads in @huggingface/tokenizers and encodes to the ids vocab.txt assigns', async () => {
    const bert = await loadTokenizer(join(FIXTURES, 'lm-buddy-bert_tiniest'));
    const vocabLines = (await readFile(join(FIXTURES, 'lm-buddy-bert_tiniest/vocab.txt'), 'utf8')).split('\n');
    expect(bert.vocabSize).toBe(30522);
    expect(bert.specialTokens).toEqual({ mask: 103, pad: 0, cls: 101, sep: 102 });
    const ids = bert.encode('Hello, World! The [MASK] sat unaffable.');
    // No [CLS]/[SEP]: framing is MARIA's job. Lower-cased, punctuation split, ## continuation.
    expect(ids.map((id) => vocabLines[id])).toEqual(['hello', ',', 'world', '!', 'the', '[MASK]', 'sat', 'una', '##ffa', '##ble', '.']);
    expect(bert.decode(ids)).toBe('hello, world! the [MASK] sat unaffable.');
  });
});

describe('OLMo tokenizers', () => {
  it('loads OLMo-1 (GPT-NeoX BPE) and OLMo-2 (dolma2) with their special tokens and round-trips text', async () => {
    const text = "Hello, world!   It's 2024.\n\nNew paragraph with naïve unicode ✓";
    for (const [file, size, endOfText] of [
      ['allenai_gpt-neox-olmo-dolma-v1_5.json', 50280, 50279],
      ['allenai_dolma2.json', 100278, 100257],
    ] as const) {
      const path = join(DATA, 'tokenizers/olmo', file);
      const olmo = await loadTokenizer(path);
      const json = (await readJson(path)) as { model: { vocab: Record<string, number> } };
      expect(olmo.vocabSize).toBe(size);
      expect(olmo.specialTokens.eos).toBe(endOfText);
      expect(olmo.tokenToId('<|endoftext|>')).toBe(endOfText);
      expect(olmo.encode('Hello')).toEqual([json.model.vocab.Hello]);
      expect(olmo.decode(olmo.encode(text))).toBe(text);
    }
  });
});

describe('special tokens and errors', () => {
  it('lets explicit ids win over config files', async () => {
    const gpt2 = await loadTokenizer(join(FIXTURES, 'lm-buddy-fake_gpt2'), { specialTokens: { mask: 50256, bos: 0 } });
    expect(gpt2.specialTokens).toEqual({ bos: 0, eos: 50256, mask: 50256 });
  });

  it('rejects a config that names a token the vocabulary lacks, and an override outside it', () => {
    const json: TokenizerJson = byteLevelBpeTokenizerJson({ a: 0, b: 1 }, []);
    expect(() => new HuggingFaceTokenizer(json, { tokenizerConfig: { file: 'cfg.json', json: { mask_token: '[MASK]' } } })).toThrow(/cfg\.json: mask_token "\[MASK\]" is not in the vocabulary/);
    expect(() => new HuggingFaceTokenizer(json, { overrides: { pad: 7 } })).toThrow(InvalidArgumentError);
  });

  it('reports missing or malformed tokenizer files as CheckpointErrors', async () => {
    await expect(loadTokenizer(join(FIXTURES, 'tiny-llama'))).rejects.toThrow(/no tokenizer found/);
    await expect(loadTokenizer('/nonexistent/tokenizer.json')).rejects.toSatisfy(CheckpointError.isInstance);
    expect(() => parseMergesText('m.txt', '#version: 0.2\na b\nabc\n')).toThrow(/m\.txt: line 3 is not a merge/);
    expect(() => validateVocabJson('v.json', { a: 0, b: 0 })).toThrow(/share id 0/);
    expect(() => new HuggingFaceTokenizer({ model: { type: 'Nonsense' } }, { source: 'x.json' })).toThrow(/x\.json: @huggingface\/tokenizers cannot load it/);
  });
});
