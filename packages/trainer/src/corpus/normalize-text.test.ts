import { readFileSync } from 'node:fs';
import { testDataPath } from '@maria-ts/core/testing';
import { parseWikitext } from '@maria-ts/eval';
import { describe, expect, it } from 'vitest';
import { splitDocuments } from './split-documents.js';
import { detokenizeArticle, detokenizePtbSentences, normalizeLine } from './normalize-text.js';

describe('normalizeLine', () => {
  it('composes to NFC and drops a trailing carriage return', () => {
    expect(normalizeLine('Cafe\u0301\r')).toBe('Caf\u00e9');
    expect(normalizeLine('plain')).toBe('plain');
  });
});

describe('detokenizeArticle', () => {
  it('undoes the @-@, @,@ and @.@ escapes and the space before punctuation', () => {
    expect(detokenizeArticle([' a 17th @-@ place finish , worth 1 @,@ 000 or 2 @.@ 5 points . '])).toBe('a 17th-place finish, worth 1,000 or 2.5 points.');
  });

  it('tightens brackets, quotes and headings and keeps <unk>', () => {
    expect(detokenizeArticle([' = Robert Boulter = ', ' = = Background = = ', ' The club \'s supporters ( mostly ) say " Craig " ; the <unk> season . '])).toBe(
      '= Robert Boulter =\n== Background ==\nThe club\'s supporters (mostly) say "Craig"; the <unk> season.',
    );
  });
});

describe('detokenizePtbSentences', () => {
  it('turns `` and \'\' into straight quotes and removes the space before punctuation', () => {
    expect(detokenizePtbSentences(["The jury said it found `` no evidence '' that irregularities took place .", 'It did , however ; ( mostly ) .'])).toBe(
      'The jury said it found "no evidence" that irregularities took place. It did, however; (mostly).',
    );
  });
});

/** The corpus reading of a text, as `maria-train corpus` cuts it. */
async function corpusDocuments(text: string, format: 'wikitext'): Promise<string[]> {
  async function* lines() {
    yield* text.split('\n');
  }
  const documents: string[] = [];
  for await (const document of splitDocuments(lines(), format, { detokenize: true })) documents.push(document);
  return documents;
}

describe('the corpus and the evaluation share one normalisation', () => {
  it('reads a WikiText file into the same detokenized articles as the evaluation', async () => {
    const text = [
      ' = Valkyria Chronicles III = ',
      '',
      ' Senjō no Valkyria 3 : <unk> Chronicles ( Japanese : 戦場のヴァルキュリア3 ) , commonly referred to as " Valkyria 3 " , is a 2011 game . ',
      ' It sold 1 @,@ 000 copies ; the team \'s 7 @.@ 5 @-@ hour demo didn \'t ship . ',
      '',
      ' = = Gameplay = = ',
      '',
      ' As with previous games , the player \'s units fight . ',
      ' = Tower Building = ',
      ' The building ( 1 @,@ 200 m ) is " tall " . ',
      '',
    ].join('\n');
    const evaluation = parseWikitext(text);
    expect(evaluation).toHaveLength(2);
    expect(await corpusDocuments(text, 'wikitext')).toEqual(evaluation);
    expect(evaluation[1]).toBe('= Tower Building =\nThe building (1,200 m) is "tall".');
  });

  it('does so on the WikiText test data, tokenized and raw', async () => {
    for (const file of [testDataPath('train', 'wikitext2_train.tokens'), testDataPath('eval', 'wikitext2_raw_test.txt')]) {
      const text = readFileSync(file, 'utf8');
      const evaluation = parseWikitext(text);
      expect(evaluation.length).toBeGreaterThan(0);
      expect(await corpusDocuments(text, 'wikitext')).toEqual(evaluation);
    }
  });
});
