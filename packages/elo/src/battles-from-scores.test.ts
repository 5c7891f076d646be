import { describe, expect, it } from 'vitest';
import { battlesFromScores } from './battles-from-scores.js';

describe('battlesFromScores', () => {
  it('lets the higher score win and ties equal scores', () => {
    const battles = battlesFromScores([
      { a: 'maria', b: 'ar', scoreA: -2.1, scoreB: -2.5 },
      { a: 'ar', b: 'maria', scoreA: -2.5, scoreB: -2.1 },
      { a: 'maria', b: 'truth', scoreA: 7, scoreB: 7 },
    ]);
    expect(battles).toEqual([
      { a: 'maria', b: 'ar', outcome: 'a' },
      { a: 'ar', b: 'maria', outcome: 'b' },
      { a: 'maria', b: 'truth', outcome: 'tie' },
    ]);
  });

  it('treats scores within tieTolerance as a tie', () => {
    const scored = [{ a: 'x', b: 'y', scoreA: 1.04, scoreB: 1 }];
    expect(battlesFromScores(scored)[0]?.outcome).toBe('a');
    expect(battlesFromScores(scored, { tieTolerance: 0.05 })[0]?.outcome).toBe('tie');
    expect(battlesFromScores(scored, { tieTolerance: 0.01 })[0]?.outcome).toBe('a');
  });

  it('rejects non-finite scores and bad tolerances', () => {
    expect(() => battlesFromScores([{ a: 'x', b: 'y', scoreA: Number.NaN, scoreB: 1 }])).toThrowError(/scored\[0\] scores/);
    expect(() => battlesFromScores([{ a: 'x', b: 'y', scoreA: 1, scoreB: -Infinity }])).toThrowError(/finite/);
    expect(() => battlesFromScores([], { tieTolerance: -1 })).toThrowError(/tieTolerance/);
  });
});
