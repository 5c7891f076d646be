/**
 * The index of the first NaN or ±Infinity in `data`, or -1. Reads the float32 bit patterns
 * (all-ones exponent) through an integer view, so checking every tensor of a checkpoint at
 * load costs one cheap pass: weights like that load "fine" and turn every output into NaN,
 * which the JSON outputs then print as `null`.
 */
export function indexOfNonFinite(data: Float32Array): number {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < bits.length; i++) if (((bits[i] as number) & 0x7f800000) === 0x7f800000) return i;
  return -1;
}

/** `NaN`, `Infinity` or `-Infinity`, for messages. */
export function describeNonFinite(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}
