import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testDataPath } from '@maria-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/io.test-support.js';
import { loadTokenizer } from './load-tokenizer.js';
import { BYTE_LEVEL_SPLIT_PATTERN, useUnicodeWhiteSpace } from './unicode-white-space.js';

/** tooling/test-data/tokenizers/unicode-whitespace-ids.json: ids from the Rust tokenizers library. */
interface WhitespaceGolden {
  readonly texts: readonly string[];
  readonly ids: Readonly<Record<string, readonly (readonly number[])[]>>;
}

const golden = JSON.parse(await readFile(testDataPath('tokenizers', 'unicode-whitespace-ids.json'), 'utf8')) as WhitespaceGolden;

/** The test-data tokenizers the golden covers (model-tiny's is checked in its own package). */
const FILES: Readonly<Record<string, string>> = {
  gpt2: testDataPath('tokenizers', 'gpt2', 'tokenizer.json'),
  'olmo-1': testDataPath('tokenizers', 'olmo', 'allenai_gpt-neox-olmo-dolma-v1_5.json'),
  'olmo-2': testDataPath('tokenizers', 'olmo', 'allenai_dolma2.json'),
  modernbert: testDataPath('tokenizers', 'modernbert', 'tokenizer.json'),
};

describe('Unicode whitespace encodes as the Rust tokenizers library does', () => {
  const temp = useTempDir('maria-unicode-whitespace-');

  it('covers U+FEFF, U+0085 and the other whitespace look-alikes', () => {
    for (const character of ['\ufeff', '\u0085', '\u00a0', '\u2028', '\u3000', '\t']) expect(golden.texts.some((text) => text.includes(character))).toBe(true);
  });

  it('replaces the split pattern of ByteLevel pre-tokenizers, alone or inside a Sequence', () => {
    const byteLevel = { config: { type: 'ByteLevel' }, pattern: /\s+/gu };
    const split = { config: { type: 'Split' }, pattern: /\s+/gu };
    expect(useUnicodeWhiteSpace({ tokenizers: [split, byteLevel, null] })).toBe(1);
    expect(byteLevel.pattern).toBe(BYTE_LEVEL_SPLIT_PATTERN);
    expect(split.pattern.source).toBe('\\s+');
    expect(useUnicodeWhiteSpace(null)).toBe(0);
  });

  it.each(Object.entries(FILES))('%s', async (name, file) => {
    const tokenizer = await loadTokenizer(file);
    const expected = golden.ids[name];
    expect(expected).toHaveLength(golden.texts.length);
    golden.texts.forEach((text, i) => expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(expected?.[i]));
  });

  it('gpt2 from vocab.json + merges.txt (no tokenizer.json)', async () => {
    for (const file of ['vocab.json', 'merges.txt']) await copyFile(testDataPath('tokenizers', 'gpt2', file), join(temp.path, file));
    const tokenizer = await loadTokenizer(temp.path);
    golden.texts.forEach((text, i) => expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(golden.ids.gpt2?.[i]));
  });
});
