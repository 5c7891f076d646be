import { describe, expect, it } from 'vitest';
import { SENTENCES_PER_DOCUMENT } from './document-format.js';
import { splitDocuments } from './split-documents.js';

async function collect(lines: string[], format: 'wikitext' | 'paragraphs' | 'lines' | 'sentences', detokenize = true): Promise<string[]> {
  async function* source() {
    yield* lines;
  }
  const documents: string[] = [];
  for await (const document of splitDocuments(source(), format, { detokenize })) documents.push(document);
  return documents;
}

describe('splitDocuments', () => {
  it('cuts WikiText into articles at top-level headings, dropping blank lines', async () => {
    const lines = [' = First = ', ' ', ' Text one , here . ', ' = = Section = = ', ' More . ', ' ', ' = Second = ', ' Two @-@ part . '];
    expect(await collect(lines, 'wikitext')).toEqual(['= First =\nText one, here.\n== Section ==\nMore.', '= Second =\nTwo-part.']);
    expect(await collect(lines, 'wikitext', false)).toEqual(['= First =\nText one , here .\n= = Section = =\nMore .', '= Second =\nTwo @-@ part .']);
  });

  it('cuts paragraphs at blank lines and keeps line breaks inside them', async () => {
    expect(await collect(['', 'Call me', 'Ishmael.  ', '', '', 'Some years\r', ''], 'paragraphs')).toEqual(['Call me\nIshmael.', 'Some years']);
  });

  it('groups PTB sentences into documents of SENTENCES_PER_DOCUMENT and detokenizes them', async () => {
    const sentences = Array.from({ length: SENTENCES_PER_DOCUMENT + 2 }, (_, i) => `Sentence ${i} , ` + "`` quoted '' .");
    const documents = await collect(['', ...sentences, '  '], 'sentences');
    expect(documents).toHaveLength(2);
    expect(documents[1]).toBe(`Sentence ${SENTENCES_PER_DOCUMENT}, "quoted". Sentence ${SENTENCES_PER_DOCUMENT + 1}, "quoted".`);
    expect((await collect(sentences.slice(0, 2), 'sentences', false))[0]).toBe("Sentence 0 , `` quoted '' . Sentence 1 , `` quoted '' .");
  });

  it('makes every non-blank line a document in lines mode', async () => {
    expect(await collect(['one', '  ', ' two ', 'Cafe\u0301'], 'lines')).toEqual(['one', 'two', 'Caf\u00e9']);
  });
});
