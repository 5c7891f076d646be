/*
 * A small WebAssembly assembler: opcodes and section encoders for writing SIMD kernels as
 * instruction lists in TypeScript (no toolchain, no binary blob), and the Cephes float32
 * exponential four lanes at a time that the softmax and log-sum-exp kernels share. Kernels
 * are assembled in the packages that use them (`@maria-ts/backbones`' attention loops,
 * `@maria-ts/kv-decoder`'s log-probability).
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Opcodes used below (WebAssembly core and SIMD proposals). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (label: number) => [0x0c, label],
  brIf: (label: number) => [0x0d, label],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  i32Add: [0x6a],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  f32Load: [0x2a, 0x02, 0x00],
  f32Store: [0x38, 0x02, 0x00],
  f32Add: [0x92],
  v128Load: [0xfd, 0x00, 0x00, 0x00],
  v128LoadAt: (offset: number) => [0xfd, 0x00, 0x00, ...unsignedLeb(offset)],
  v128Store: [0xfd, 0x0b, 0x00, 0x00],
  v128StoreAt: (offset: number) => [0xfd, 0x0b, 0x00, ...unsignedLeb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, 0x13],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  f32x4Div: [0xfd, 0xe7, 0x01],
  f32Const: (value: number) => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  f32Max: [0x97],
  f32Div: [0x95],
  i32And: [0x71],
  v128Const: (lanes: readonly number[]) => [0xfd, 0x0c, ...new Uint8Array(Float32Array.from(lanes).buffer)],
  v128ConstI32: (value: number) => [0xfd, 0x0c, ...new Uint8Array(Int32Array.of(value, value, value, value).buffer)],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Min: [0xfd, 0xe8, 0x01],
  f32x4Max: [0xfd, 0xe9, 0x01],
  f32x4Nearest: [0xfd, 0x6a],
  i32x4TruncSatF32x4S: [0xfd, 0xf8, 0x01],
  i32x4Shl: [0xfd, 0xab, 0x01],
  i32x4Add: [0xfd, 0xae, 0x01],
  f64x2PromoteLowF32x4: [0xfd, 0x5f],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2ExtractLane: (lane: number) => [0xfd, 0x21, lane],
  f64Add: [0xa0],
  /** i8x16.shuffle of the one operand with itself moving float32 lanes 2 and 3 to 0 and 1. */
  f32x4HighToLow: [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
};

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

export function section(id: number, contents: number[]): number[] {
  return [id, ...unsignedLeb(contents.length), ...contents];
}

export function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

export function body(locals: [count: number, type: number][], code: number[][]): number[] {
  const contents = [...vector(locals.map(([count, type]) => [...unsignedLeb(count), type])), ...code.flat(), ...op.end];
  return [...unsignedLeb(contents.length), ...contents];
}

/** A v128 constant with `value` in all four float32 lanes. */
export function splat(value: number): number[] {
  return op.v128Const([value, value, value, value]);
}

/**
 * Pushes exp of the lanes of v128 local `x` (already clamped to [−87.3, 88]), Cephes'
 * single-precision exponential, within a few ulp of float32 exp, using local `k`; `x` ends up
 * holding r: k = nearest(x·log₂e), r = x − k·C1 − k·C2 (C1 + C2 = ln 2), y = poly(r)·r² + r + 1, times 2^k.
 */
export function expLanes(x: number, k: number): number[][] {
  const poly = [1.98756915e-4, 1.39819995e-3, 8.33345191e-3, 4.16657959e-2, 1.66666655e-1, 5.00000012e-1];
  return [
    op.get(x), splat(Math.LOG2E), op.f32x4Mul, op.f32x4Nearest, op.set(k),
    op.get(x), op.get(k), splat(0.693359375), op.f32x4Mul, op.f32x4Sub,
    op.get(k), splat(-2.12194440e-4), op.f32x4Mul, op.f32x4Sub, op.set(x),
    splat(poly[0] as number),
    ...poly.slice(1).flatMap((c) => [op.get(x), op.f32x4Mul, splat(c), op.f32x4Add]),
    op.get(x), op.get(x), op.f32x4Mul, op.f32x4Mul,
    op.get(x), op.f32x4Add, splat(1), op.f32x4Add,
    op.get(k), op.i32x4TruncSatF32x4S, op.v128ConstI32(127), op.i32x4Add, op.i32Const(23), op.i32x4Shl,
    op.f32x4Mul,
  ];
}

/**
 * Pushes max over the float32 values in bytes [i, end) of memory from `pointer` (end − i a
 * multiple of 16): a loop taking lane-wise maxima into v128 local `lanes`, then the max of its
 * four lanes. `pointer`, `i` and `end` are i32 locals; `i` ends at `end`.
 */
export function maxOverLanes(pointer: number, i: number, end: number, lanes: number): number[][] {
  return [
    splat(-Infinity), op.set(lanes),
    op.block, op.loop,
    op.get(i), op.get(end), op.i32GeU, op.brIf(1),
    op.get(lanes), op.get(pointer), op.get(i), op.i32Add, op.v128Load, op.f32x4Max, op.set(lanes),
    op.get(i), op.i32Const(16), op.i32Add, op.set(i),
    op.br(0),
    op.end, op.end,
    op.get(lanes), op.f32x4ExtractLane(0), op.get(lanes), op.f32x4ExtractLane(1), op.f32Max,
    op.get(lanes), op.f32x4ExtractLane(2), op.get(lanes), op.f32x4ExtractLane(3), op.f32Max, op.f32Max,
  ];
}
