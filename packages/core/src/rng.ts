import { InvalidArgumentError } from './errors.js';

/** The serialisable state of an `Rng`, stored in checkpoints so a resumed run draws the same numbers. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly state: readonly [number, number, number, number];
}

/** SplitMix32: expands one seed into well-mixed words for xoshiro's state. */
function splitMix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * A seeded, splittable pseudo-random generator (xoshiro128**). All randomness in
 * MARIA-TS flows through one of these (never `Math.random`), so tests can assert exact
 * sequences and training resumes bit-for-bit from a saved `getState()`.
 *
 * `split()` derives an independent child stream; use it to give each subsystem (masking,
 * data order, sampling) its own stream so adding a draw in one does not shift the others.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | RngState = 0) {
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) throw new InvalidArgumentError('seed', seed, 'a finite number');
      // Mix both 32-bit halves of the seed so that seeds differing only above 2^32 differ.
      const low = seed >>> 0;
      const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
      const next = splitMix32(low ^ Math.imul(high, 0x27d4eb2d));
      this.s0 = next();
      this.s1 = next();
      this.s2 = next();
      this.s3 = next();
    } else {
      if (seed.algorithm !== 'xoshiro128**' || seed.state.length !== 4) {
        throw new InvalidArgumentError('rng state', seed, "{algorithm: 'xoshiro128**', state: [4 uint32]}");
      }
      [this.s0, this.s1, this.s2, this.s3] = seed.state.map((word) => word >>> 0) as [number, number, number, number];
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new InvalidArgumentError('n', n, 'an integer in [1, 2^32]');
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal draw (Box–Muller; uses two uniforms, caches nothing so the state stays four words). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang, with the usual boost for shape < 1. */
  gamma(shape: number): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new InvalidArgumentError('gamma shape', shape, 'a finite number > 0');
    if (shape < 1) {
      const boost = Math.pow(this.uniformOpen(), 1 / shape);
      return this.gamma(shape + 1) * boost;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b). MARIA draws its masking rate from Beta(2.5, 2.5). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent child stream; advances this stream by four draws. */
  split(): Rng {
    const child = new Rng(0);
    child.s0 = this.nextUint32();
    child.s1 = this.nextUint32();
    child.s2 = this.nextUint32();
    child.s3 = this.nextUint32();
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }

  /** A 32-bit seed drawn from this stream, for APIs (like tfjs initialisers) that take a number. */
  seed(): number {
    return this.nextUint32();
  }

  /** Snapshot of the state; `new Rng(state)` continues exactly from here. */
  getState(): RngState {
    return { algorithm: 'xoshiro128**', state: [this.s0, this.s1, this.s2, this.s3] };
  }

  private uniformOpen(): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    return u;
  }
}
