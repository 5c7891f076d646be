import { wasmAssembly } from '@maria-ts/core';

/*
 * Two WebAssembly SIMD loops for attention over a host KV cache, assembled here from their
 * instructions (no toolchain, no binary blob). Plain JavaScript runs these loops one scalar
 * at a time with bounds checks; as 128-bit SIMD they are several times faster, which is what
 * lets a decode step's attention over hundreds of cached positions cost less than its
 * matrix products. Both work on float32 in a memory the caller owns:
 *
 *   dots(q, k, n, d, out):  out[t] = Σ_i q[i] · k[t·d + i]        for t < n
 *   mix(p, v, n, d, out):   out[i] = Σ_t p[t] · v[t·d + i]        for i < d
 *
 * Pointers are byte offsets; d must be a multiple of 4. Each dot product sums four lanes
 * (lane j holds the products of i ≡ j mod 4) and then adds the lanes, so its rounding
 * differs from a sequential float32 sum only in order. The module also holds the softmax over
 * the scores and the gated SiLU of a decode step's MLP (`gatedSilu`, below).
 */

const { F32, I32, V128, body, expLanes, maxOverLanes, name, op, section, splat, vector } = wasmAssembly;

// Parameters of both functions: 0 = first input, 1 = rows, 2 = n, 3 = d, 4 = out.
const [A, ROWS, N, D, OUT] = [0, 1, 2, 3, 4];

/** dots: locals 5 = t, 6 = i (bytes), 7 = row pointer, 8 = row bytes; 9 = accumulator. */
const dots = body(
  [
    [4, I32],
    [1, V128],
  ],
  [
    op.get(D), op.i32Const(2), op.i32Shl, op.set(8),
    op.get(ROWS), op.set(7),
    op.block, op.loop,
    op.get(5), op.get(N), op.i32GeU, op.brIf(1),
    op.v128Zero, op.set(9),
    op.i32Const(0), op.set(6),
    op.block, op.loop,
    op.get(6), op.get(8), op.i32GeU, op.brIf(1),
    op.get(9),
    op.get(A), op.get(6), op.i32Add, op.v128Load,
    op.get(7), op.get(6), op.i32Add, op.v128Load,
    op.f32x4Mul, op.f32x4Add, op.set(9),
    op.get(6), op.i32Const(16), op.i32Add, op.set(6),
    op.br(0),
    op.end, op.end,
    op.get(OUT), op.get(5), op.i32Const(2), op.i32Shl, op.i32Add,
    op.get(9), op.f32x4ExtractLane(0),
    op.get(9), op.f32x4ExtractLane(1), op.f32Add,
    op.get(9), op.f32x4ExtractLane(2), op.f32Add,
    op.get(9), op.f32x4ExtractLane(3), op.f32Add,
    op.f32Store,
    op.get(7), op.get(8), op.i32Add, op.set(7),
    op.get(5), op.i32Const(1), op.i32Add, op.set(5),
    op.br(0),
    op.end, op.end,
  ],
);

/** mix: locals 5 = t, 6 = i (bytes), 7 = row pointer, 8 = row bytes; 9 = splatted weight. */
const mix = body(
  [
    [4, I32],
    [1, V128],
  ],
  [
    op.get(D), op.i32Const(2), op.i32Shl, op.set(8),
    op.get(ROWS), op.set(7),
    // out = 0
    op.block, op.loop,
    op.get(6), op.get(8), op.i32GeU, op.brIf(1),
    op.get(OUT), op.get(6), op.i32Add, op.v128Zero, op.v128Store,
    op.get(6), op.i32Const(16), op.i32Add, op.set(6),
    op.br(0),
    op.end, op.end,
    op.block, op.loop,
    op.get(5), op.get(N), op.i32GeU, op.brIf(1),
    op.get(A), op.get(5), op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load, op.f32x4Splat, op.set(9),
    op.i32Const(0), op.set(6),
    op.block, op.loop,
    op.get(6), op.get(8), op.i32GeU, op.brIf(1),
    op.get(OUT), op.get(6), op.i32Add,
    op.get(OUT), op.get(6), op.i32Add, op.v128Load,
    op.get(9), op.get(7), op.get(6), op.i32Add, op.v128Load, op.f32x4Mul,
    op.f32x4Add, op.v128Store,
    op.get(6), op.i32Const(16), op.i32Add, op.set(6),
    op.br(0),
    op.end, op.end,
    op.get(7), op.get(8), op.i32Add, op.set(7),
    op.get(5), op.i32Const(1), op.i32Add, op.set(5),
    op.br(0),
    op.end, op.end,
  ],
);

/**
 * dots for d a multiple of 16: four independent accumulators (lanes of i mod 16), so the
 * additions of one dot product do not wait on each other. Locals as in `dots`, 9–12 = accumulators.
 */
const dots16 = body(
  [
    [4, I32],
    [4, V128],
  ],
  [
    op.get(D), op.i32Const(2), op.i32Shl, op.set(8),
    op.get(ROWS), op.set(7),
    op.block, op.loop,
    op.get(5), op.get(N), op.i32GeU, op.brIf(1),
    op.v128Zero, op.set(9), op.v128Zero, op.set(10), op.v128Zero, op.set(11), op.v128Zero, op.set(12),
    op.i32Const(0), op.set(6),
    op.block, op.loop,
    op.get(6), op.get(8), op.i32GeU, op.brIf(1),
    ...[0, 1, 2, 3].flatMap((j) => [
      op.get(9 + j),
      op.get(A), op.get(6), op.i32Add, op.v128LoadAt(16 * j),
      op.get(7), op.get(6), op.i32Add, op.v128LoadAt(16 * j),
      op.f32x4Mul, op.f32x4Add, op.set(9 + j),
    ]),
    op.get(6), op.i32Const(64), op.i32Add, op.set(6),
    op.br(0),
    op.end, op.end,
    op.get(OUT), op.get(5), op.i32Const(2), op.i32Shl, op.i32Add,
    op.get(9), op.get(10), op.f32x4Add, op.get(11), op.get(12), op.f32x4Add, op.f32x4Add, op.set(9),
    op.get(9), op.f32x4ExtractLane(0),
    op.get(9), op.f32x4ExtractLane(1), op.f32Add,
    op.get(9), op.f32x4ExtractLane(2), op.f32Add,
    op.get(9), op.f32x4ExtractLane(3), op.f32Add,
    op.f32Store,
    op.get(7), op.get(8), op.i32Add, op.set(7),
    op.get(5), op.i32Const(1), op.i32Add, op.set(5),
    op.br(0),
    op.end, op.end,
  ],
);

/**
 * mix for d a multiple of 16: for each block of 16 outputs, four accumulators live in
 * locals across all n rows and are stored once. Locals: 5 = t, 6 = i (bytes), 7 = row
 * pointer, 8 = row bytes, 13 = weight pointer; 9 = splatted weight, 10–12 and 14 = accumulators.
 */
const mix16 = body(
  [
    [4, I32],
    [4, V128],
    [1, I32],
    [1, V128],
  ],
  [
    op.get(D), op.i32Const(2), op.i32Shl, op.set(8),
    op.block, op.loop,
    op.get(6), op.get(8), op.i32GeU, op.brIf(1),
    op.v128Zero, op.set(10), op.v128Zero, op.set(11), op.v128Zero, op.set(12), op.v128Zero, op.set(14),
    op.get(ROWS), op.get(6), op.i32Add, op.set(7),
    op.get(A), op.set(13),
    op.i32Const(0), op.set(5),
    op.block, op.loop,
    op.get(5), op.get(N), op.i32GeU, op.brIf(1),
    op.get(13), op.f32Load, op.f32x4Splat, op.set(9),
    ...[10, 11, 12, 14].flatMap((accumulator, j) => [
      op.get(accumulator),
      op.get(9), op.get(7), op.v128LoadAt(16 * j), op.f32x4Mul,
      op.f32x4Add, op.set(accumulator),
    ]),
    op.get(7), op.get(8), op.i32Add, op.set(7),
    op.get(13), op.i32Const(4), op.i32Add, op.set(13),
    op.get(5), op.i32Const(1), op.i32Add, op.set(5),
    op.br(0),
    op.end, op.end,
    ...[10, 11, 12, 14].flatMap((accumulator, j) => [op.get(OUT), op.get(6), op.i32Add, op.get(accumulator), op.v128StoreAt(16 * j)]),
    op.get(6), op.i32Const(64), op.i32Add, op.set(6),
    op.br(0),
    op.end, op.end,
  ],
);

/**
 * softmax(p, n): p[0 … n) ← exp(p − max) / Σ exp(p − max) in place, four lanes at a time. The
 * exponential is Cephes' single-precision one (argument clamped to [−87.3, 88], split as
 * k·ln 2 + r with k = nearest(x·log₂e), a degree-5 polynomial in r, then 2^k through the
 * exponent bits), within a few ulp of float32 exp; the sum is float32, as the engine's softmax
 * kernel sums. The slots up to the next multiple of 4 are overwritten (they hold −Infinity
 * during the pass, whose exponential is the clamp's ~1e-38: nothing next to the maximum's 1).
 * Locals: 0 = p, 1 = n; 2 = i (bytes), 3 = end (bytes); 4 = lanes, 5 = x; 6 = max, 7 = total; 8 = k.
 */
const softmax = body(
  [
    [2, I32],
    [2, V128],
    [2, F32],
    [1, V128],
  ],
  [
    // pad: p[n … end) = −Infinity, end = 4·roundUp(n, 4)
    op.get(1), op.i32Const(3), op.i32Add, op.i32Const(-4), op.i32And, op.i32Const(2), op.i32Shl, op.set(3),
    op.get(1), op.i32Const(2), op.i32Shl, op.set(2),
    op.block, op.loop,
    op.get(2), op.get(3), op.i32GeU, op.brIf(1),
    op.get(0), op.get(2), op.i32Add, op.f32Const(-Infinity), op.f32Store,
    op.get(2), op.i32Const(4), op.i32Add, op.set(2),
    op.br(0),
    op.end, op.end,
    // max over the lanes, then over the four lanes
    op.i32Const(0), op.set(2),
    ...maxOverLanes(0, 2, 3, 4), op.set(6),
    // p ← exp(p − max), summed lane-wise in local 4
    op.v128Zero, op.set(4),
    op.i32Const(0), op.set(2),
    op.block, op.loop,
    op.get(2), op.get(3), op.i32GeU, op.brIf(1),
    op.get(0), op.get(2), op.i32Add, op.v128Load, op.get(6), op.f32x4Splat, op.f32x4Sub,
    splat(88), op.f32x4Min, splat(-87.33654022216797), op.f32x4Max, op.set(5),
    ...expLanes(5, 8), op.set(5),
    op.get(0), op.get(2), op.i32Add, op.get(5), op.v128Store,
    op.get(4), op.get(5), op.f32x4Add, op.set(4),
    op.get(2), op.i32Const(16), op.i32Add, op.set(2),
    op.br(0),
    op.end, op.end,
    op.get(4), op.f32x4ExtractLane(0), op.get(4), op.f32x4ExtractLane(1), op.f32Add,
    op.get(4), op.f32x4ExtractLane(2), op.get(4), op.f32x4ExtractLane(3), op.f32Add, op.f32Add, op.set(7),
    // p ← p · (1 / total)
    op.f32Const(1), op.get(7), op.f32Div, op.f32x4Splat, op.set(4),
    op.i32Const(0), op.set(2),
    op.block, op.loop,
    op.get(2), op.get(3), op.i32GeU, op.brIf(1),
    op.get(0), op.get(2), op.i32Add,
    op.get(0), op.get(2), op.i32Add, op.v128Load, op.get(4), op.f32x4Mul,
    op.v128Store,
    op.get(2), op.i32Const(16), op.i32Add, op.set(2),
    op.br(0),
    op.end, op.end,
  ],
);

/**
 * gatedSilu(gate, up, n, out): out[i] = silu(gate[i]) · up[i] for i < n (n a multiple of 4),
 * silu(g) = g / (1 + exp(−g)) with the softmax's Cephes exponential (−g clamped to
 * [−87.3, 88]: beyond, e^−g is ~1e-38 or 1.6e38 and silu is g or ~0 to float32 precision).
 * Locals: 0 = gate, 1 = up, 2 = n, 3 = out; 4 = i (bytes), 5 = end (bytes); 6 = g, 7 = x, 8 = k.
 */
const gatedSilu = body(
  [
    [2, I32],
    [3, V128],
  ],
  [
    op.get(2), op.i32Const(2), op.i32Shl, op.set(5),
    op.block, op.loop,
    op.get(4), op.get(5), op.i32GeU, op.brIf(1),
    op.get(0), op.get(4), op.i32Add, op.v128Load, op.set(6),
    op.v128Zero, op.get(6), op.f32x4Sub, splat(88), op.f32x4Min, splat(-87.33654022216797), op.f32x4Max, op.set(7),
    op.get(3), op.get(4), op.i32Add,
    op.get(6),
    splat(1), ...expLanes(7, 8), op.f32x4Add,
    op.f32x4Div,
    op.get(1), op.get(4), op.i32Add, op.v128Load, op.f32x4Mul,
    op.v128Store,
    op.get(4), op.i32Const(16), op.i32Add, op.set(4),
    op.br(0),
    op.end, op.end,
  ],
);

/**
 * The module: imports `env.memory`, exports `dots`, `mix`, `dots16` and `mix16`, each of type
 * (i32 × 5) → (), `softmax` (i32 × 2) → () and `gatedSilu` (i32 × 4) → ().
 */
export function simdKernelBytes(): Uint8Array<ArrayBuffer> {
  const type = [0x60, 5, I32, I32, I32, I32, I32, 0];
  const pairType = [0x60, 2, I32, I32, 0];
  const quadType = [0x60, 4, I32, I32, I32, I32, 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([type, pairType, quadType])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0], [0], [0], [0], [1], [2]])),
    ...section(7, vector([[...name('dots'), 0x00, 0], [...name('mix'), 0x00, 1], [...name('dots16'), 0x00, 2], [...name('mix16'), 0x00, 3], [...name('softmax'), 0x00, 4], [...name('gatedSilu'), 0x00, 5]])),
    ...section(10, vector([dots, mix, dots16, mix16, softmax, gatedSilu])),
  ]);
}

/** The kernels bound to one memory; `dots16` and `mix16` are `dots` and `mix` for d a multiple of 16, unrolled. */
export interface SimdKernels {
  readonly memory: WebAssembly.Memory;
  dots(q: number, k: number, n: number, d: number, out: number): void;
  mix(p: number, v: number, n: number, d: number, out: number): void;
  dots16(q: number, k: number, n: number, d: number, out: number): void;
  mix16(p: number, v: number, n: number, d: number, out: number): void;
  /** p[0 … n) ← softmax in place (byte offset p); the slots up to the next multiple of 4 are overwritten. */
  softmax(p: number, n: number): void;
  /** out[i] = silu(gate[i]) · up[i] for i < n, n a multiple of 4 (byte offsets). */
  gatedSilu(gate: number, up: number, n: number, out: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (then callers use plain loops). */
function simdModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = simdKernelBytes();
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The kernels over a fresh memory of at least `bytes` bytes, or null without WebAssembly SIMD. */
export function createSimdKernels(bytes: number): SimdKernels | null {
  const module = simdModule();
  if (!module) return null;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<SimdKernels, 'memory'>;
  return { memory, dots: exports.dots, mix: exports.mix, dots16: exports.dots16, mix16: exports.mix16, softmax: exports.softmax, gatedSilu: exports.gatedSilu };
}
