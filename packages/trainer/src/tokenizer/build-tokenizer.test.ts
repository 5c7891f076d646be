import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATA, TINY_TOKENIZER, headOf, temporaryDirectory, writeHeadOf } from '../../test/test-data.js';
import { sha256Of } from '../corpus/file-hash.js';
import { byteLevelAlphabet } from './byte-alphabet.js';
import { buildTinyTokenizer, type TokenizerBuildReport } from './build-tokenizer.js';

const GPT2 = join(TEST_DATA, 'tokenizers', 'gpt2');

/** GPT-2's pre-tokenization pattern, written out so the reference BPE below can split text the same way. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * A deliberately naive byte-level BPE, independent of @huggingface/tokenizers: map each
 * pre-token's UTF-8 bytes to the byte alphabet, then repeatedly merge the adjacent pair with
 * the lowest rank among the kept merges.
 */
function referenceEncode(text: string, merges: string[], vocab: Record<string, number>): number[] {
  const alphabet = byteLevelAlphabet();
  const rank = new Map(merges.map((merge, index) => [merge, index]));
  const ids: number[] = [];
  for (const piece of text.match(GPT2_SPLIT) ?? []) {
    let symbols = [...new TextEncoder().encode(piece)].map((byte) => alphabet[byte] as string);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let index = 0; index + 1 < symbols.length; index += 1) {
        const candidate = rank.get(`${symbols[index]} ${symbols[index + 1]}`);
        if (candidate !== undefined && candidate < bestRank) {
          bestRank = candidate;
          best = index;
        }
      }
      if (best < 0) break;
      symbols = [...symbols.slice(0, best), `${symbols[best]}${symbols[best + 1]}`, ...symbols.slice(best + 2)];
    }
    for (const symbol of symbols) ids.push(vocab[symbol] as number);
  }
  return ids;
}

describe('buildTinyTokenizer (GPT-2 source, read at test time)', () => {
  let directory: string;
  let report: TokenizerBuildReport;
  let json: { model: { vocab: Record<string, number>; merges: string[] }; added_tokens: { id: number; content: string; special: boolean }[] };
  let tokenizer: Tokenizer;
  let samples: string[];

  beforeAll(async () => {
    directory = await temporaryDirectory('tokenizer');
    const evaluation = await writeHeadOf('eval/wikitext2_raw_test.txt', 16_000, join(directory, 'eval.txt'));
    report = await buildTinyTokenizer({ source: GPT2, out: join(directory, 'tokenizer.json'), evaluationText: evaluation });
    json = JSON.parse(await readFile(join(directory, 'tokenizer.json'), 'utf8'));
    const config = JSON.parse(await readFile(join(directory, 'tokenizer_config.json'), 'utf8'));
    tokenizer = new Tokenizer(json, config);
    samples = await Promise.all([
      headOf('eval/wikitext2_raw_test.txt', 4000),
      headOf('train/moby_dick.txt', 4000),
      headOf('train/sotu_1790_2021.txt', 3000),
      headOf('train/brown_corpus_plain.txt', 3000),
      headOf('eval/lambada_test.jsonl', 3000),
    ]);
  });

  it('has exactly 8192 contiguous ids: 256 bytes, 7933 merges, then <|endoftext|>, [MASK], [PAD]', () => {
    expect(json.model.merges).toHaveLength(7933);
    expect(tokenizer.get_vocab(true).size).toBe(8192);
    for (let id = 0; id < 8192; id += 1) {
      const token = tokenizer.id_to_token(id);
      expect(token).toBeDefined();
      expect(tokenizer.token_to_id(token as string)).toBe(id);
    }
    expect(tokenizer.id_to_token(8192)).toBeUndefined();
    expect(json.added_tokens.map(({ id, content, special }) => [id, content, special])).toEqual([
      [8189, '<|endoftext|>', true],
      [8190, '[MASK]', true],
      [8191, '[PAD]', true],
    ]);
    expect(tokenizer.encode('a [MASK] b<|endoftext|>[PAD]').ids).toEqual([64, 220, 8190, 275, 8189, 8191]);
    expect(report.tokenizer).toMatchObject({ vocabSize: 8192, byteTokens: 256, merges: 7933, idsMatchSource: true });
  });

  it('gives every kept token the same id as GPT-2', async () => {
    const gpt2 = new Tokenizer(JSON.parse(await readFile(join(GPT2, 'tokenizer.json'), 'utf8')), {});
    for (let id = 0; id < 8189; id += 1) expect(gpt2.id_to_token(id)).toBe(tokenizer.id_to_token(id));
  });

  it('round-trips real text and awkward strings exactly', () => {
    const awkward = ['Crème brûlée — “quoted” ’tis\r\n\ttabs  and  double spaces ', '日本語のテキスト 🙂👍🏽', '\u0000\u0007 control', ' @-@ , . [MASK] <|endoftext|>'];
    for (const text of [...samples, ...awkward]) {
      const ids = tokenizer.encode(text).ids;
      expect(ids.every((id: number) => id >= 0 && id < 8192)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('encodes exactly like a naive BPE restricted to the first 7933 GPT-2 merges', () => {
    // Real text plus the surfaces of the last 89 merges, so the tail of the merge list is exercised too.
    const lateTokens = Array.from({ length: 89 }, (_, index) => tokenizer.decode([8100 + index])).join('');
    const text = [...samples.map((sample) => sample.slice(0, 1500)), lateTokens].join('\n');
    const expected = referenceEncode(text, json.model.merges, json.model.vocab);
    const actual = tokenizer.encode(text).ids;
    expect(actual.some((id: number) => id >= 8150 && id < 8189)).toBe(true);
    expect(actual).toEqual(expected);
  });

  it('reports tokens per word for itself and for GPT-2 on the evaluation text', async () => {
    const text = await readFile(join(directory, 'eval.txt'), 'utf8');
    const words = text.match(/\S+/g)?.length ?? 0;
    const { evaluation } = report;
    expect(evaluation.words).toBe(words);
    expect(evaluation.tokenizer.tokens).toBe(tokenizer.encode(text).ids.length);
    expect(evaluation.tokenizer.tokensPerWord).toBeCloseTo(evaluation.tokenizer.tokens / words, 5);
    expect(evaluation.tokenizer.roundTripFailures).toBe(0);
    // Fewer merges can only split text into more pieces.
    expect(evaluation.tokenizer.tokens).toBeGreaterThan(evaluation.source.tokens);
  });

  it('reproduces the committed asset byte for byte', async () => {
    const committed = await readFile(TINY_TOKENIZER);
    expect(sha256Of(committed)).toBe(report.tokenizer.sha256);
    expect(await readFile(join(directory, 'tokenizer_config.json'), 'utf8')).toBe(await readFile(join(TINY_TOKENIZER, '..', 'tokenizer_config.json'), 'utf8'));
    const committedStats = JSON.parse(await readFile(join(TINY_TOKENIZER, '..', 'tokenizer.stats.json'), 'utf8'));
    expect(committedStats.tokenizer).toEqual(report.tokenizer);
    expect(committedStats.evaluation.file).toBe('wikitext2_raw_test.txt');
  });
});
