import { Rng, type Tokenizer } from '@maria-ts/core';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvalSet, rollingWindows, subsample } from './eval-windows.js';
import { cleanAgNewsField, parseAgNews } from './parse-agnews.js';
import { parseLambada } from './parse-lambada.js';
import { parseLines } from './parse-lines.js';
import { parseWikitext } from './parse-wikitext.js';
import { parseDatasetFormat, readDocuments } from './read-documents.js';
import { detokenizeWikitext } from './wikitext-detokenize.js';

describe('detokenizeWikitext', () => {
  it.each([
    ['a guest @-@ starring role', 'a guest-starring role'],
    ['1 @,@ 000 people', '1,000 people'],
    ['3 @.@ 5 million', '3.5 million'],
    ['film , television and theatre . He', 'film, television and theatre. He'],
    ['Teddy \'s Story', "Teddy's Story"],
    ['as " Craig " in', 'as "Craig" in'],
    ['born ( 1970 ) in', 'born (1970) in'],
    ['the players \' union', "the players' union"],
    [' = = Career = = \n He', ' == Career ==\nHe'],
    ['at 20 \u00b0 C', 'at 20\u00b0C'],
    ['a ; b : c ! d ? e', 'a; b: c! d? e'],
  ])('%j → %j', (input, expected) => {
    expect(detokenizeWikitext(input)).toBe(expected);
  });
});

describe('parseWikitext', () => {
  const sample = [
    ' = Robert Boulter = ',
    ' ',
    ' Robert Boulter is an English film , television and theatre actor . ',
    ' = = Career = = ',
    ' He had a guest @-@ starring role in 2000 . ',
    ' = Du Fu = ',
    ' Du Fu ( 712 – 770 ) was a Chinese poet . ',
  ].join('\n');

  it('splits on top-level headings only, keeps section headings in their article, detokenizes', () => {
    expect(parseWikitext(sample)).toEqual([
      "= Robert Boulter =\nRobert Boulter is an English film, television and theatre actor.\n== Career ==\nHe had a guest-starring role in 2000.",
      '= Du Fu =\nDu Fu (712 – 770) was a Chinese poet.',
    ]);
  });

  it('keeps WikiText spacing when asked not to detokenize', () => {
    expect(parseWikitext(sample, { detokenize: false })[1]).toBe('= Du Fu = \n Du Fu ( 712 – 770 ) was a Chinese poet .');
  });
});

describe('parseLambada', () => {
  it('reads the text field of each jsonl line, with escapes and blank lines', () => {
    const text = '{"text": "He said \\"hi\\".\\n\\nShe left"}\n\n{"text": "second, passage", "other": 1}\n';
    expect(parseLambada(text)).toEqual(['He said "hi".\n\nShe left', 'second, passage']);
  });

  it('names the bad line', () => {
    expect(() => parseLambada('{"text": "a"}\n{"txt": "b"}', 'f.jsonl')).toThrow('f.jsonl:2: no "text" string field');
    expect(() => parseLambada('not json', 'f.jsonl')).toThrow(/f\.jsonl:1: not a JSON object/);
  });
});

describe('parseAgNews', () => {
  it('parses quoted fields with commas, doubled quotes, line breaks and the release\'s escapes', () => {
    const csv = [
      '"3","Wall St. Bears Claw Back Into the Black (Reuters)","Reuters - Short-sellers, Wall Street\'s dwindling\\band of ultra-cynics, are seeing green again."',
      '"4","Title with ""quotes"", and a comma","Line one',
      'line two, with #39;entities#39; &lt;b&gt;"',
    ].join('\n');
    expect(parseAgNews(csv)).toEqual([
      "Wall St. Bears Claw Back Into the Black (Reuters) Reuters - Short-sellers, Wall Street's dwindling band of ultra-cynics, are seeing green again.",
      'Title with "quotes", and a comma Line one\nline two, with \'entities\' <b>',
    ]);
  });

  it('rejects rows without three columns and names the line', () => {
    expect(() => parseAgNews('"1","a","b"\n"2","only two"', 'ag.csv')).toThrow('ag.csv:2: expected 3 columns');
  });

  it('cleans fields', () => {
    expect(cleanAgNewsField(' a &amp; b\\\\c &#36;5 ')).toBe('a & b c $5');
  });
});

describe('parseLines and readDocuments', () => {
  it('one document per non-blank line', () => {
    expect(parseLines('first line\r\n\n  \nsecond line  \n')).toEqual(['first line', 'second line']);
  });

  it('reads a file by format and rejects unknown formats', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'eval-docs-'));
    const file = path.join(dir, 'docs.jsonl');
    await writeFile(file, '{"text": "one"}\n{"text": "two"}\n');
    expect(await readDocuments(file, parseDatasetFormat('lambada'))).toEqual(['one', 'two']);
    expect(() => parseDatasetFormat('csv')).toThrow(/wikitext, lambada, agnews, lines/);
  });
});

describe('rolling windows and subsampling', () => {
  it('cuts documents into non-overlapping windows and drops short tails', () => {
    const docs = [Array.from({ length: 10 }, (_, i) => i), [100, 101], Array.from({ length: 7 }, (_, i) => 200 + i)];
    const windows = rollingWindows(docs, { window: 4, minLength: 2 });
    expect(windows.map((w) => w.ids)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [100, 101], [200, 201, 202, 203], [204, 205, 206]]);
    expect(windows.map((w) => [w.document, w.offset])).toEqual([[0, 0], [0, 4], [0, 8], [1, 0], [2, 0], [2, 4]]);
    expect(rollingWindows(docs, { window: 4, minLength: 3 }).map((w) => w.ids.length)).toEqual([4, 4, 4, 3]);
  });

  it('subsamples reproducibly, without replacement, in original order', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = subsample(items, 10, new Rng(7));
    expect(a).toEqual(subsample(items, 10, new Rng(7)));
    expect(a).not.toEqual(subsample(items, 10, new Rng(8)));
    expect(new Set(a).size).toBe(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(subsample(items.slice(0, 3), 10, new Rng(1))).toEqual([0, 1, 2]);
  });

  it('buildEvalSet tokenizes, windows and subsamples', () => {
    const tokenizer = { encode: (text: string) => [...text].map((c) => c.charCodeAt(0)) } as unknown as Tokenizer;
    const set = buildEvalSet(['abcdefgh', 'ijklmnop'], tokenizer, { window: 4, minLength: 4, n: 3, seed: 1 });
    expect(set).toHaveLength(3);
    for (const window of set) expect(window.ids).toHaveLength(4);
  });
});
