import { describe, expect, it } from 'vitest';
import { JudgeReplyError } from './judge-errors.js';
import { parseJudgeScore } from './parse-score.js';

describe('parseJudgeScore', () => {
  const readable: [string, number][] = [
    ['7', 7],
    [' 8\n', 8],
    ['Score: 7/10', 7],
    ['**Score:** 9', 9],
    ['Rating (1-10): 6', 6],
    ['I would give it a rating of 4 because it rambles.', 4],
    ['The text has 3 grammatical errors. Score: 6', 6],
    ['7/10 - coherent but flat', 7],
    ['I rate this 8 out of 10.', 8],
    ['On a scale of 1 to 10, this is an 8.', 8],
    ['{"score": 5, "reason": "repetitive"}', 5],
    ['```json\n{"rating": "7.5"}\n```', 7.5],
    ['{"evaluation": {"score": 3}}', 3],
    ['Score = 10', 10],
    ['My grade is 2.', 2],
  ];
  for (const [reply, score] of readable) {
    it(`reads ${JSON.stringify(reply)} as ${score}`, () => {
      expect(parseJudgeScore(reply)).toBe(score);
    });
  }

  const unreadable: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['I cannot evaluate this text.', /no number/],
    ['Score: 11', /outside 1–10/],
    ['0', /outside 1–10/],
    ['{"score": -2}', /outside 1–10/],
  ];
  for (const [reply, problem] of unreadable) {
    it(`refuses ${JSON.stringify(reply)} with JudgeReplyError`, () => {
      try {
        parseJudgeScore(reply);
        expect.unreachable();
      } catch (error) {
        expect(JudgeReplyError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(problem);
        expect((error as Error).message).toContain(JSON.stringify(reply.trim()).slice(1, -1));
      }
    });
  }

  it('honours a custom range', () => {
    expect(parseJudgeScore('Score: 0', { min: 0, max: 5 })).toBe(0);
    expect(() => parseJudgeScore('Score: 7', { min: 0, max: 5 })).toThrowError(/outside 0–5/);
  });
});
