import { initEngine, Rng } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/core';
import { createBannedIdPair, MONOREPO_TINY_TOKENIZER_DIR, type BannedIdPair } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnscorableTargetError } from '../errors.js';
import { bannedPositionCount } from './banned-targets.js';
import { mariaExactNll } from './maria-exact.js';
import { maskedPerplexityTable } from './masked-perplexity.js';
import { mlmArDecodeNll } from './mlm-ar-decode.js';

// A pair whose MLM holds the tiny tokenizer's tokens at permuted ids and lacks one AR token:
// the model bans that id (probability 0).
let pair: BannedIdPair;
let model: MariaModel;
let arOnly: number;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  pair = createBannedIdPair(await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR));
  ({ model, arOnly } = pair);
});

afterAll(() => pair.dispose());

/** Windows of 12 ids where every third one is the banned AR-only token. */
function windowsWithBanned(): number[][] {
  const rng = new Rng(9);
  return [0, 1, 2].map(() => Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? arOnly : 100 + rng.int(3000))));
}

describe('masked perplexity on a pair with banned ids', () => {
  it('scoring a masked banned id is an UnscorableTargetError naming the example, position and id, not +∞', () => {
    expect(model.vocabularyMap.banned).toEqual([arOnly]);
    const ids = windowsWithBanned();
    const masks = ids.map(() => new Uint8Array(12));
    (masks[1] as Uint8Array)[4] = 1; // id arOnly (4 % 3 === 1)
    (masks[0] as Uint8Array)[0] = 1; // a scorable one before it
    for (const scorer of [mariaExactNll, mlmArDecodeNll]) {
      let thrown: unknown;
      try {
        scorer(model, { ids, masks });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnscorableTargetError);
      expect((thrown as Error).message).toBe(
        `masked token ${arOnly} at position 4 of example 1 cannot be scored: the model bans this id (its MLM has no such token), so it has probability 0; leave it unmasked`,
      );
    }
  });

  it('the PPL table never masks a banned id, scores every method on the same finite masks and reports how many positions it left out', () => {
    const ids = windowsWithBanned();
    expect(bannedPositionCount(model, ids)).toBe(12);
    const rows = maskedPerplexityTable(model, ids, { rates: [0.5, 1], methods: ['maria', 'ar', 'mlm'], seed: 5 });
    for (const row of rows) {
      expect(Number.isFinite(row.ppl) && Number.isFinite(row.nll)).toBe(true);
      expect(row.excludedBanned).toBe(12);
    }
    // 8 eligible positions per window (12 minus the 4 banned): ⌈0.5·8⌉ = 4 and all 8 masked.
    expect(rows.filter((row) => row.rate === 0.5).map((row) => row.tokens)).toEqual([12, 12, 12]);
    expect(rows.filter((row) => row.rate === 1).map((row) => row.tokens)).toEqual([24, 24, 24]);
  });

  it('windows without a banned id score as before, with no excludedBanned field', () => {
    const rng = new Rng(2);
    const ids = [0, 1].map(() => Array.from({ length: 10 }, () => 100 + rng.int(3000)));
    const [row] = maskedPerplexityTable(model, ids, { rates: [0.3], methods: ['maria'], seed: 1 });
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty('excludedBanned');
    expect(Number.isFinite(row?.ppl)).toBe(true);
  });
});
