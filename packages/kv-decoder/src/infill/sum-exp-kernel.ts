import { wasmAssembly } from '@maria-ts/core';

/*
 * The log-probability of a fill needs log Σ exp over the whole vocabulary row, every decode
 * step: 8,192 exponentials on the embedded model, which as a float64 `Math.exp` loop cost more
 * than the step's greedy choice. Two WebAssembly SIMD loops over the row, copied into the
 * kernel's own memory:
 *
 *   rowMax(p, n) → f32:        max p[0 … n)                              (n a multiple of 4)
 *   sumExp(p, n, m) → f64:     Σ exp(p[i] − m) over i < n                (n a multiple of 4)
 *
 * The exponential is Cephes' float32 one four lanes at a time (argument clamped to
 * [−87.3, 88]: a banned −Infinity adds ~1e-38, nothing next to the maximum's 1); each lane's
 * exponentials are widened to float64 and summed in float64, so the sum carries only the
 * exponentials' few-ulp float32 error (relative ~1e-7, tested).
 */

const { F32, F64, I32, V128, body, expLanes, maxOverLanes, name, op, section, splat, vector } = wasmAssembly;

/** rowMax: params 0 = p, 1 = n; locals 2 = i (bytes), 3 = end (bytes), 4 = lane maxima. */
const rowMax = body(
  [
    [2, I32],
    [1, V128],
  ],
  [op.get(1), op.i32Const(2), op.i32Shl, op.set(3), ...maxOverLanes(0, 2, 3, 4)],
);

/**
 * sumExp: params 0 = p, 1 = n, 2 = m (f32); locals 3 = i (bytes), 4 = end (bytes), 5 = x, 6 = k,
 * 7 = the exponentials' lanes 0–1 sums, 8 = lanes 2–3 sums (f64x2 each).
 */
const sumExp = body(
  [
    [2, I32],
    [4, V128],
  ],
  [
    op.get(1), op.i32Const(2), op.i32Shl, op.set(4),
    op.v128Zero, op.set(7), op.v128Zero, op.set(8),
    op.block, op.loop,
    op.get(3), op.get(4), op.i32GeU, op.brIf(1),
    op.get(0), op.get(3), op.i32Add, op.v128Load, op.get(2), op.f32x4Splat, op.f32x4Sub,
    splat(88), op.f32x4Min, splat(-87.33654022216797), op.f32x4Max, op.set(5),
    ...expLanes(5, 6), op.set(5),
    op.get(7), op.get(5), op.f64x2PromoteLowF32x4, op.f64x2Add, op.set(7),
    op.get(8), op.get(5), op.get(5), op.f32x4HighToLow, op.f64x2PromoteLowF32x4, op.f64x2Add, op.set(8),
    op.get(3), op.i32Const(16), op.i32Add, op.set(3),
    op.br(0),
    op.end, op.end,
    op.get(7), op.get(8), op.f64x2Add, op.set(7),
    op.get(7), op.f64x2ExtractLane(0), op.get(7), op.f64x2ExtractLane(1), op.f64Add,
  ],
);

/** The module: imports `env.memory`, exports `rowMax` (i32, i32) → f32 and `sumExp` (i32, i32, f32) → f64. */
export function sumExpKernelBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 2, I32, I32, 1, F32], [0x60, 3, I32, I32, F32, 1, F64]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0], [1]])),
    ...section(7, vector([[...name('rowMax'), 0x00, 0], [...name('sumExp'), 0x00, 1]])),
    ...section(10, vector([rowMax, sumExp])),
  ]);
}

interface SumExpKernel {
  readonly memory: WebAssembly.Memory;
  readonly rowMax: (p: number, n: number) => number;
  readonly sumExp: (p: number, n: number, m: number) => number;
}

let kernel: SumExpKernel | null | undefined;

/** The kernel over its own memory (grown as rows need), or null where WebAssembly SIMD is unavailable. */
function sumExpKernel(): SumExpKernel | null {
  if (kernel === undefined) {
    const bytes = sumExpKernelBytes();
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) {
      kernel = null;
    } else {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as Omit<SumExpKernel, 'memory'>;
      kernel = { memory, rowMax: exports.rowMax, sumExp: exports.sumExp };
    }
  }
  return kernel;
}

/** The row copied into the kernel's memory and its maximum (NaN if any entry is NaN: `f32x4.max` propagates it). */
function loadRow(simd: SumExpKernel, row: Float32Array): number {
  const n = row.length;
  const bytes = 4 * n;
  if (simd.memory.buffer.byteLength < bytes) simd.memory.grow(Math.ceil((bytes - simd.memory.buffer.byteLength) / 65536));
  new Float32Array(simd.memory.buffer, 0, n).set(row);
  const whole = n & ~3;
  let max = whole > 0 ? simd.rowMax(0, whole) : -Infinity;
  for (let i = whole; i < n; i++) {
    const value = row[i] as number;
    if (value > max || Number.isNaN(value)) max = value;
  }
  return max;
}

/** max + log Σ exp(row − max) of a row `loadRow` just copied, for a finite max. */
function loadedLogSumExp(simd: SumExpKernel, row: Float32Array, max: number): number {
  const n = row.length;
  const whole = n & ~3;
  let sum = whole > 0 ? simd.sumExp(0, whole, max) : 0;
  for (let i = whole; i < n; i++) sum += Math.exp((row[i] as number) - max);
  return max + Math.log(sum);
}

/**
 * log Σ exp(row) through the SIMD kernel, or `undefined` where it is unavailable. The last
 * n mod 4 values are added on the host.
 */
export function simdLogSumExp(row: Float32Array): number | undefined {
  const simd = sumExpKernel();
  if (!simd) return undefined;
  const max = loadRow(simd, row);
  // −Infinity (all banned), +Infinity or NaN: the caller's float64 loop decides.
  if (!Number.isFinite(max)) return undefined;
  return loadedLogSumExp(simd, row, max);
}

/**
 * The greedy choice of a row and its log-probability in one SIMD pass for the maximum and one
 * for the exponentials: the lowest id holding the maximum (`indexOf`, the engine's search) and
 * `row[id] − logSumExp(row)`, the same values `argmax` and `logProbabilityOf` give. `undefined`
 * where the kernel is unavailable or the row has a NaN, a +Infinity or nothing finite, which the
 * caller's checked path reports.
 */
export function simdGreedyChoice(row: Float32Array): { readonly id: number; readonly logProb: number } | undefined {
  const simd = sumExpKernel();
  if (!simd || row.length === 0) return undefined;
  const max = loadRow(simd, row);
  if (!Number.isFinite(max)) return undefined;
  const id = row.indexOf(max);
  return { id, logProb: (row[id] as number) - loadedLogSumExp(simd, row, max) };
}
