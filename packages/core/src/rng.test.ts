import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng', () => {
  it('replays the same sequence from the same seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('resumes exactly from a serialised state', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 100; i++) rng.normal();
    const state = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 20 }, () => rng.beta(2.5, 2.5));
    const resumed = new Rng(state);
    expect(Array.from({ length: 20 }, () => resumed.beta(2.5, 2.5))).toEqual(expected);
  });

  it('splits into independent, reproducible streams', () => {
    const parent = new Rng(1);
    const childA = parent.split();
    const childB = parent.split();
    const a = Array.from({ length: 5 }, () => childA.nextUint32());
    const b = Array.from({ length: 5 }, () => childB.nextUint32());
    expect(a).not.toEqual(b);
    const again = new Rng(1).split();
    expect(Array.from({ length: 5 }, () => again.nextUint32())).toEqual(a);
  });

  it('draws uniforms in [0,1) with the right mean and variance', () => {
    const rng = new Rng(3);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) throw new Error(`uniform out of range: ${u}`);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sumSq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = new Rng(5);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sumSq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
  });

  it('draws Beta(2.5, 2.5) with mean 1/2 and variance ab/((a+b)^2(a+b+1)) = 1/24', () => {
    const rng = new Rng(11);
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.beta(2.5, 2.5);
      if (!(x > 0 && x < 1)) throw new Error(`beta out of range: ${x}`);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - mean * mean - 1 / 24)).toBeLessThan(0.002);
  });

  it('draws Beta(2, 5) with mean 2/7 (exercises asymmetric shapes)', () => {
    const rng = new Rng(12);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.beta(2, 5);
    expect(Math.abs(sum / 50_000 - 2 / 7)).toBeLessThan(0.005);
  });

  it('draws Gamma(0.5) with mean 0.5 (the shape < 1 branch)', () => {
    const rng = new Rng(13);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.gamma(0.5);
    expect(Math.abs(sum / 50_000 - 0.5)).toBeLessThan(0.02);
  });

  it('draws integers uniformly without bias', () => {
    const rng = new Rng(9);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.int(7)]!++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('rejects bad arguments with typed errors', () => {
    const rng = new Rng(0);
    expect(() => rng.int(0)).toThrow(/invalid n/);
    expect(() => rng.gamma(-1)).toThrow(/gamma shape/);
    expect(() => new Rng(Number.NaN)).toThrow(/invalid seed/);
  });
});
