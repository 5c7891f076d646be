import { loadMaria, type Maria } from '@maria-ts/maria';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedExamples, runWholeWords } from './run-whole-words.js';

const LINES = ['The old man walked slowly to the green house .', '= Heading =', 'A cat sat on the mat and slept .'];

let maria: Maria;
beforeAll(async () => {
  maria = await loadMaria('tiny', { engine: 'wasm', threads: 1 });
});
afterAll(() => maria.dispose());

describe('maria-bench whole-words', () => {
  it('masks one alphabetic word after a space per example, reproducibly from the seed', () => {
    const examples = maskedExamples(LINES, 6, 4);
    expect(maskedExamples(LINES, 6, 4)).toEqual(examples);
    for (const text of examples) {
      expect(text.match(/\[MASK\]/g)).toHaveLength(1);
      expect(text).toMatch(/ \[MASK\]/);
    }
  });

  it('counts merges and breaks without and with the rule; with it there are none', async () => {
    const report = await runWholeWords(maria, { lines: LINES, n: 3, seed: 1, tokensPerMask: 1 });
    expect(report.without.fills).toBe(3);
    expect(report.with).toEqual({ fills: 3, merges: 0, breaks: 0, rate: 0 });
    expect(report.examples.map((example) => example.with.startsWith(' '))).toEqual([true, true, true]);
  });
});
