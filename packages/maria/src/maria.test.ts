import { AbortedError, InvalidArgumentError } from '@maria-ts/core';
import { fillBreaksWord } from '@maria-ts/kv-decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMaria } from './load-maria.js';
import type { FillOptions, Maria } from './maria.js';

let maria: Maria;
beforeAll(async () => {
  maria = await loadMaria('tiny', { engine: 'wasm', threads: 1 });
});
afterAll(() => maria.dispose());

describe('loadMaria and Maria (the embedded model)', () => {
  it('fills every marker with its tokens, pieces and log-probabilities, reproducibly from a seed', async () => {
    const result = await maria.fill('The [MASK] sat on the [MASK].', { seed: 3, tokensPerMask: [1, 2] });
    expect(result.fills.map((fill) => fill.marker)).toEqual([0, 1]);
    expect(result.fills.map((fill) => fill.tokens.length)).toEqual([1, 2]);
    expect(result.text).toBe(`The${result.fills[0]?.text} sat on the${result.fills[1]?.text}.`);
    for (const token of result.filled) {
      expect(token.logProb).toBeLessThanOrEqual(0);
      expect(Number.isFinite(token.logProb)).toBe(true);
      expect(token.piece).toBe(maria.tokenizer.decode([token.id]));
    }
    expect(result.logProb).toBeCloseTo(result.fills.reduce((sum, fill) => sum + fill.logProb, 0), 9);
    expect((await maria.fill('The [MASK] sat on the [MASK].', { seed: 3, tokensPerMask: [1, 2] })).text).toBe(result.text);
  });

  it('keeps words whole: a fill after a space starts with one and never ends mid-character', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const result = await maria.fill('It was a green [MASK] and a [MASK].', { seed, temperature: 1.5 });
      for (const fill of result.fills) expect(fillBreaksWord(fill.text, true)).toEqual({ merges: false, breaks: false });
    }
  });

  it('returns n-best joint fills best first, the first being the search result itself', async () => {
    const result = await maria.fill('The [MASK] sat on the [MASK].', { nBest: 3 });
    const logProbs = result.nBest?.map((fill) => fill.logProb) ?? [];
    expect(logProbs).toHaveLength(3);
    expect([...logProbs].sort((a, b) => b - a)).toEqual(logProbs);
    expect(result.text).toBe(result.nBest?.[0]?.text);
    expect(new Set(result.nBest?.map((fill) => fill.text)).size).toBe(3);
    await expect(maria.fill('The [MASK] sat.', { nBest: 2, temperature: 0.5 })).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
  });

  it('scores exact masked perplexity and generates by annealing', async () => {
    const score = await maria.score('The cat sat on the mat and looked out of the window.', { rate: 0.5, seed: 1 });
    expect(score.tokens).toBe(score.masked.length);
    expect(score.perplexity).toBeCloseTo(Math.exp(score.negativeLogLikelihood / score.tokens), 9);
    expect(score.perplexity).toBeGreaterThan(1);
    const generated = await maria.generate({ length: 8, iterations: 1, seed: 2 });
    expect(generated.tokens).toHaveLength(8);
    expect(generated.temperatures).toEqual([0]);
  });

  it('fills concurrent calls in shared decode steps, each as it fills alone; fillIds is the same path with ids', async () => {
    const calls: [string, FillOptions][] = [
      ['The [MASK] sat on the [MASK].', { seed: 1, tokensPerMask: 2 }],
      ['It was a green [MASK] and a [MASK] day in the [MASK].', { seed: 2, temperature: 0.7, topP: 0.9 }],
      ['[MASK] morning.', { temperature: 0 }],
    ];
    const alone = [];
    for (const [text, options] of calls) alone.push(await maria.fill(text, options));
    const before = maria.fillStats;
    const together = await Promise.all(calls.map(([text, options]) => maria.fill(text, options)));
    expect(together).toEqual(alone);
    expect(maria.fillStats.largestTick).toBeGreaterThan(1);
    expect(maria.fillStats.ticks - before.ticks).toBeLessThan(maria.fillStats.rows - before.rows); // some steps decoded several calls
    const ids = maria.tokenizer.encode('The cat sat on the mat.');
    const byIds = await maria.fillIds({ ids, masked: [1, 5] }, { seed: 4 });
    expect(byIds.ids.filter((_, index) => index !== 1 && index !== 5)).toEqual(ids.filter((_, index) => index !== 1 && index !== 5));
    expect(byIds.filled.map((token) => token.index)).toEqual([1, 5]);
  });

  it('refuses bad sources and stops on an aborted signal, with typed errors', async () => {
    await expect(loadMaria('', {})).rejects.toSatisfy((error) => InvalidArgumentError.isInstance(error));
    await expect(loadMaria('tiny', { signal: AbortSignal.abort() })).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    await expect(maria.fill('The [MASK] sat.', { signal: AbortSignal.abort() })).rejects.toSatisfy((error) => AbortedError.isInstance(error));
  });
});
