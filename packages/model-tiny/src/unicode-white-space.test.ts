import { readFile } from 'node:fs/promises';
import { testDataPath } from '@maria-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { loadTinyTokenizer } from './assets.js';

/** Ids the Rust tokenizers library gives for model-tiny's tokenizer (see the golden's `_comment`). */
interface WhitespaceGolden {
  readonly texts: readonly string[];
  readonly ids: Readonly<Record<string, readonly (readonly number[])[]>>;
}

describe('model-tiny tokenizer and Unicode whitespace', () => {
  it('encodes U+FEFF, U+0085 and other whitespace as Hugging Face tokenizers does', async () => {
    const golden = JSON.parse(await readFile(testDataPath('tokenizers', 'unicode-whitespace-ids.json'), 'utf8')) as WhitespaceGolden;
    const tokenizer = await loadTinyTokenizer();
    const expected = golden.ids['model-tiny'];
    expect(expected).toHaveLength(golden.texts.length);
    golden.texts.forEach((text, i) => expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(expected?.[i]));
  });
});
