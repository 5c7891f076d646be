import { Rng, ShapeMismatchError } from '@maria-ts/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenSampler, sampleToken, sampleTokenRows, withBannedTokens } from './sample-token.js';
import { samplingDistribution } from './sampling-distribution.js';
import type { SamplingOptions } from './sampling-options.js';

/**
 * A deliberately naive reference for the sampling tests: it sorts the whole row and
 * applies the documented rules literally (temperature, then top-k, then top-p by
 * descending logit with ties to the lowest id, then one uniform walked over ascending ids).
 */
interface ReferenceOptions {
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
}

function referenceKept(logits: ArrayLike<number>, options: ReferenceOptions): { ids: number[]; weights: number[]; total: number } {
  const temperature = options.temperature ?? 1;
  const all = Array.from({ length: logits.length }, (_, id) => id).filter((id) => (logits[id] as number) !== -Infinity);
  const byLogit = [...all].sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  if (temperature === 0) return { ids: [byLogit[0] as number], weights: [1], total: 1 };
  const top = options.topK === undefined ? byLogit : byLogit.slice(0, options.topK);
  const max = logits[top[0] as number] as number;
  const weightOf = (id: number) => Math.exp(((logits[id] as number) - max) / temperature);
  const sumAscending = (ids: number[]) => [...ids].sort((a, b) => a - b).reduce((sum, id) => sum + weightOf(id), 0);
  let kept = top;
  const topP = options.topP ?? 1;
  if (topP < 1) {
    const target = topP * sumAscending(top);
    let cumulative = 0;
    let size = 0;
    while (size < top.length && cumulative < target) cumulative += weightOf(top[size++] as number);
    kept = top.slice(0, Math.max(1, size));
  }
  const ids = [...kept].sort((a, b) => a - b);
  return { ids, weights: ids.map(weightOf), total: sumAscending(ids) };
}

/** The token the documented rule picks for the uniform draw `u`. */
function referenceSample(logits: ArrayLike<number>, options: ReferenceOptions, u: number): number {
  const { ids, weights, total } = referenceKept(logits, options);
  if ((options.temperature ?? 1) === 0) return ids[0] as number;
  const target = u * total;
  let cumulative = 0;
  let last = -1;
  for (let index = 0; index < ids.length; index++) {
    if (weights[index] === 0) continue;
    cumulative += weights[index] as number;
    last = ids[index] as number;
    if (target < cumulative) return last;
  }
  return last;
}

/** Logit rows with ties, banned (-Infinity) tokens and a wide range of values. */
const logitsArbitrary = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
      { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
      { weight: 1, arbitrary: fc.constant(-Infinity) },
    ),
    { minLength: 1, maxLength: 48 },
  )
  .filter((values) => values.some(Number.isFinite))
  .map((values) => Float32Array.from(values));

const optionsArbitrary: fc.Arbitrary<SamplingOptions> = fc.record(
  {
    temperature: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 5, noNaN: true })),
    topK: fc.integer({ min: 1, max: 50 }),
    topP: fc.double({ min: 0.01, max: 1, noNaN: true }),
  },
  { requiredKeys: [] },
);

/** Pearson's χ² of observed counts against expected probabilities. */
function chiSquare(counts: ArrayLike<number>, probabilities: ArrayLike<number>, draws: number): number {
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = (probabilities[i] as number) * draws;
    statistic += ((counts[i] as number) - expected) ** 2 / expected;
  }
  return statistic;
}

/** Upper 0.1% points of χ² by degrees of freedom (a failure is a 1-in-1000 event for a fixed seed, and seeds are fixed). */
const CHI_SQUARE_999 = new Map([[3, 16.27], [4, 18.47], [5, 20.52], [7, 24.32], [9, 27.88]]);

describe('sampleToken', () => {
  it('picks exactly the token the documented rule gives for its one uniform draw (property)', () => {
    fc.assert(
      fc.property(logitsArbitrary, optionsArbitrary, fc.integer(), (logits, options, seed) => {
        const expected = referenceSample(logits, options, new Rng(seed).uniform());
        expect(sampleToken(logits, new Rng(seed), options)).toBe(expected);
        const { ids, weights, total } = referenceKept(logits, options);
        const distribution = samplingDistribution(logits, options);
        const positive = ids.flatMap((id, index) => ((weights[index] as number) > 0 ? [[id, (weights[index] as number) / total] as const] : []));
        expect([...distribution.ids]).toEqual(positive.map(([id]) => id));
        expect([...distribution.probabilities]).toEqual(positive.map(([, probability]) => probability));
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with the reference on a GPT-2-sized row, where top-p must look past many buckets', () => {
    const rng = new Rng(99);
    const vocab = 50_257;
    for (const scale of [0.5, 3, 12]) {
      const logits = Float32Array.from({ length: vocab }, () => rng.normal(0, scale));
      for (const options of [{}, { topK: 40 }, { topP: 0.9 }, { topP: 0.999 }, { temperature: 0.7, topK: 200, topP: 0.8 }, { temperature: 2.5, topP: 0.5 }]) {
        const seed = rng.seed();
        expect(sampleToken(logits, new Rng(seed), options), JSON.stringify({ scale, options })).toBe(referenceSample(logits, options, new Rng(seed).uniform()));
        expect(samplingDistribution(logits, options).ids.length).toBe(referenceKept(logits, options).ids.length);
      }
    }
  });

  it('replays the exact sequence from a fixed seed, one uniform draw per token', () => {
    const logits = Float32Array.of(1.2, -0.3, 0.8, 2.1, 0, -1.7, 0.8, 1.9);
    const options = { temperature: 0.9, topK: 6, topP: 0.95 };
    const sampler = createTokenSampler(options);
    const rng = new Rng(1234);
    const sequence = Array.from({ length: 24 }, () => sampler(logits, rng));
    const uniforms = new Rng(1234);
    expect(sequence).toEqual(Array.from({ length: 24 }, () => referenceSample(logits, options, uniforms.uniform())));
    expect(rng.getState()).toEqual(uniforms.getState());
    const replay = new Rng(1234);
    expect(Array.from({ length: 24 }, () => sampler(logits, replay))).toEqual(sequence);
    const other = new Rng(1235);
    expect(Array.from({ length: 24 }, () => sampler(logits, other))).not.toEqual(sequence);
  });

  it('matches softmax(logits / T) empirically (χ² at the 0.1% level)', () => {
    const logits = Float32Array.of(2, 1, 0.5, 0, -1, -3, 1.5, 0.2);
    const draws = 40_000;
    for (const temperature of [1, 0.7, 2.5]) {
      const scaled = Array.from(logits, (logit) => logit / temperature);
      const max = Math.max(...scaled);
      const exponentials = scaled.map((value) => Math.exp(value - max));
      const sum = exponentials.reduce((total, value) => total + value, 0);
      const softmax = exponentials.map((value) => value / sum);
      const counts = new Float64Array(logits.length);
      const rng = new Rng(7 + temperature);
      const sampler = createTokenSampler({ temperature });
      for (let draw = 0; draw < draws; draw++) {
        const id = sampler(logits, rng);
        counts[id] = (counts[id] as number) + 1;
      }
      expect(chiSquare(counts, softmax, draws), `T=${temperature}`).toBeLessThan(CHI_SQUARE_999.get(7) as number);
    }
  });

  it('matches the renormalised top-k / top-p distribution empirically (χ² at the 0.1% level)', () => {
    const logits = Float32Array.of(2, 1, 0.5, 0, -1, -3, 1.5, 0.2, 0.9, -0.4);
    const draws = 40_000;
    // Probabilities at T = 1 sorted: ids 0 (2), 6 (1.5), 1 (1), 8 (0.9), 2 (0.5), 7 (0.2), 3 (0), ...
    const cases: [SamplingOptions, number[]][] = [
      [{ topK: 4 }, [0, 6, 1, 8]],
      [{ topK: 6 }, [0, 6, 1, 8, 2, 7]],
      [{ topP: 0.75 }, nucleusByHand(logits, 0.75)],
    ];
    cases.forEach(([options, expectedIds], caseIndex) => {
      const support = [...expectedIds].sort((a, b) => a - b);
      const weights = support.map((id) => Math.exp((logits[id] as number) - 2));
      const sum = weights.reduce((total, weight) => total + weight, 0);
      const counts = new Float64Array(support.length);
      const rng = new Rng(100 + caseIndex);
      const sampler = createTokenSampler(options);
      const slotOf = new Map(support.map((id, slot) => [id, slot]));
      const outside: number[] = [];
      for (let draw = 0; draw < draws; draw++) {
        const id = sampler(logits, rng);
        const slot = slotOf.get(id);
        if (slot === undefined) outside.push(id);
        else counts[slot] = (counts[slot] as number) + 1;
      }
      expect(outside, `ids outside ${JSON.stringify(support)}`).toEqual([]);
      const critical = CHI_SQUARE_999.get(support.length - 1) as number;
      expect(chiSquare(counts, weights.map((weight) => weight / sum), draws), JSON.stringify(options)).toBeLessThan(critical);
    });
  });

  it('never returns a token outside the top k (property)', () => {
    fc.assert(
      fc.property(logitsArbitrary, fc.integer({ min: 1, max: 10 }), fc.double({ min: 0.1, max: 4, noNaN: true }), fc.integer(), (logits, topK, temperature, seed) => {
        const finite = Array.from(logits).filter(Number.isFinite).sort((a, b) => b - a);
        const cut = finite[Math.min(topK, finite.length) - 1] as number;
        const rng = new Rng(seed);
        const sampler = createTokenSampler({ topK, temperature });
        for (let draw = 0; draw < 20; draw++) expect(logits[sampler(logits, rng)]).toBeGreaterThanOrEqual(cut);
        expect(samplingDistribution(logits, { topK, temperature }).ids.length).toBeLessThanOrEqual(topK);
      }),
      { numRuns: 300 },
    );
  });

  it('never returns a token outside the nucleus, and the nucleus reaches top-p with nothing to spare (property)', () => {
    fc.assert(
      fc.property(logitsArbitrary, fc.double({ min: 0.01, max: 1, noNaN: true }), fc.integer(), (logits, topP, seed) => {
        const distribution = samplingDistribution(logits, { topP });
        const nucleus = new Set(distribution.ids);
        // Probabilities under the unfiltered softmax: the nucleus holds the most likely
        // tokens, reaches topP, and would not reach it without its least likely member.
        const full = samplingDistribution(logits);
        const probabilityOf = new Map(Array.from(full.ids, (id, index) => [id, full.probabilities[index] as number]));
        const inside = [...nucleus].map((id) => probabilityOf.get(id) ?? 0);
        const mass = inside.reduce((sum, probability) => sum + probability, 0);
        expect(mass).toBeGreaterThanOrEqual(topP - 1e-9);
        expect(mass - Math.min(...inside)).toBeLessThan(topP + 1e-9);
        for (const [id, probability] of probabilityOf) if (!nucleus.has(id)) expect(probability).toBeLessThanOrEqual(Math.min(...inside));
        const rng = new Rng(seed);
        for (let draw = 0; draw < 20; draw++) expect(nucleus.has(sampleToken(logits, rng, { topP }))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is greedy at temperature 0: argmax, ties to the lowest id, no random draw', () => {
    const logits = Float32Array.of(0.5, 3, -1, 3, 2);
    const rng = new Rng(5);
    const before = rng.getState();
    for (const options of [{ temperature: 0 }, { temperature: 0, topK: 3, topP: 0.2 }]) expect(sampleToken(logits, rng, options)).toBe(1);
    expect(rng.getState()).toEqual(before);
    expect([...samplingDistribution(logits, { temperature: 0 }).ids]).toEqual([1]);
  });

  it('stays finite at extreme temperatures and logits (log-sum-exp)', () => {
    const huge = Float32Array.of(3e38, -3e38, 2.9e38, 0);
    const distribution = samplingDistribution(huge, { temperature: 1 });
    expect(distribution.probabilities.every(Number.isFinite)).toBe(true);
    expect([...distribution.ids]).toEqual([0]); // exp((2.9e38 − 3e38) / 1) underflows to 0
    expect(samplingDistribution(huge, { temperature: 1e37 }).ids.length).toBeGreaterThan(1);
    const small = Float32Array.of(0.1, 0.3, 0.2);
    expect(sampleToken(small, new Rng(1), { temperature: 1e-30 })).toBe(1);
    const flat = samplingDistribution(small, { temperature: 1e30 });
    for (const probability of flat.probabilities) expect(probability).toBeCloseTo(1 / 3, 12);
  });

  it('never picks a banned (-Infinity) token', () => {
    const logits = Float32Array.of(-Infinity, 0, -Infinity, 0);
    const rng = new Rng(2);
    for (let draw = 0; draw < 200; draw++) expect([1, 3]).toContain(sampleToken(logits, rng, { temperature: 3 }));
  });
});

describe('sampleTokenRows', () => {
  it('samples each row of a [rows, vocab] buffer in order from one stream', () => {
    const vocab = 6;
    const source = new Rng(8);
    const logits = Float32Array.from({ length: 4 * vocab }, () => source.normal(0, 2));
    const options = { temperature: 0.8, topP: 0.9 };
    const rows = sampleTokenRows(logits, vocab, new Rng(3), options);
    const rng = new Rng(3);
    expect([...rows]).toEqual(Array.from({ length: 4 }, (_, row) => sampleToken(logits.subarray(row * vocab, (row + 1) * vocab), rng, options)));
  });

  it('refuses a buffer that is not a whole number of rows', () => {
    expect(() => sampleTokenRows(new Float32Array(10), 3, new Rng(0))).toThrow(ShapeMismatchError);
    expect(() => sampleTokenRows(new Float32Array(10), 0, new Rng(0))).toThrow(ShapeMismatchError);
  });
});

/** The nucleus at T = 1 worked out directly from softmax probabilities sorted by hand. */
function nucleusByHand(logits: Float32Array, topP: number): number[] {
  const probabilities = Array.from(logits, (logit) => Math.exp(logit));
  const sum = probabilities.reduce((total, value) => total + value, 0);
  const order = probabilities.map((_, id) => id).sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number));
  const kept: number[] = [];
  let mass = 0;
  for (const id of order) {
    if (mass >= topP) break;
    kept.push(id);
    mass += (probabilities[id] as number) / sum;
  }
  return kept;
}

describe('withBannedTokens', () => {
  it('never returns a banned id, picks the best allowed one greedily, and leaves the caller\'s row alone', () => {
    const logits = Float32Array.from([0, 9, 1, 8, 2]);
    const greedy = withBannedTokens(createTokenSampler({ temperature: 0 }), [1, 3]);
    expect(greedy(logits, new Rng(0))).toBe(4);
    expect(Array.from(logits)).toEqual([0, 9, 1, 8, 2]);
    const sampled = withBannedTokens(createTokenSampler({ temperature: 1 }), [1, 3]);
    const rng = new Rng(5);
    for (let draw = 0; draw < 500; draw++) expect([0, 2, 4]).toContain(sampled(logits, rng));
  });
});
