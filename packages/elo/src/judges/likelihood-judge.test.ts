import { AbortedError, type JudgeOptions } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { LikelihoodJudge } from './likelihood-judge.js';

/** A stand-in for an AR model's mean log-probability: longer words score lower, deterministically. */
const meanWordLength = async (texts: readonly string[]) =>
  texts.map((text) => {
    const words = text.split(/\s+/).filter(Boolean);
    return -words.reduce((sum, word) => sum + word.length, 0) / Math.max(1, words.length);
  });

describe('LikelihoodJudge', () => {
  it("returns the scorer's mean log-probabilities in order, deterministically", async () => {
    const judge = new LikelihoodJudge({ scorer: meanWordLength, model: 'tiny-ar-judge' });
    expect(judge.name).toBe('likelihood:tiny-ar-judge');
    const texts = ['a b c', 'extraordinarily verbose', 'hi there'];
    const scores = await judge.score(texts);
    expect(scores).toEqual([-1, -11, -3.5]);
    expect(await judge.score(texts)).toEqual(scores);
  });

  it('batches calls, passes the signal on, and stops between batches on abort', async () => {
    const calls: { texts: readonly string[]; options: JudgeOptions | undefined }[] = [];
    const controller = new AbortController();
    const judge = new LikelihoodJudge({
      model: 'm',
      batchSize: 2,
      scorer: async (texts, options) => {
        calls.push({ texts, options });
        if (options?.signal && calls.length === 2) controller.abort();
        return meanWordLength(texts);
      },
    });
    expect(await judge.score(['a', 'bb', 'ccc', 'dddd', 'e'])).toEqual([-1, -2, -3, -4, -1]);
    expect(calls.map((call) => call.texts)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['e']]);
    calls.length = 0;
    await expect(judge.score(['a', 'bb', 'ccc', 'dddd', 'e'], { signal: controller.signal })).rejects.toSatisfy(AbortedError.isInstance);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.options?.signal).toBe(controller.signal);
  });

  it('rejects a scorer that returns the wrong number of scores or non-finite ones', async () => {
    const short = new LikelihoodJudge({ model: 'm', scorer: async () => [1] });
    await expect(short.score(['a', 'b'])).rejects.toThrowError(/output length.*2 scores/);
    const infinite = new LikelihoodJudge({ model: 'm', scorer: async (texts) => texts.map(() => -Infinity) });
    await expect(infinite.score(['a'])).rejects.toThrowError(/score of text 0/);
    expect(() => new LikelihoodJudge({ model: 'm', scorer: meanWordLength, batchSize: 0 })).toThrowError(/batchSize/);
  });
});
