import { Rng } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { solvePositiveDefinite } from './cholesky.js';

describe('solvePositiveDefinite', () => {
  it('solves random symmetric positive-definite systems to float64 precision', () => {
    const rng = new Rng(7);
    for (const size of [1, 2, 5, 12]) {
      // A = BᵀB + I is symmetric positive definite.
      const b = Float64Array.from({ length: size * size }, () => rng.normal());
      const a = new Float64Array(size * size);
      for (let row = 0; row < size; row++) {
        for (let column = 0; column < size; column++) {
          let sum = row === column ? 1 : 0;
          for (let k = 0; k < size; k++) sum += (b[k * size + row] as number) * (b[k * size + column] as number);
          a[row * size + column] = sum;
        }
      }
      const expected = Float64Array.from({ length: size }, () => rng.normal());
      const rhs = Float64Array.from({ length: size }, (_, row) => expected.reduce((sum, value, column) => sum + (a[row * size + column] as number) * value, 0));
      const solution = solvePositiveDefinite(a, rhs);
      solution.forEach((value, index) => expect(Math.abs(value - (expected[index] as number))).toBeLessThan(1e-9));
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => solvePositiveDefinite(Float64Array.from([1, 1, 1, 1]), Float64Array.from([1, 1]))).toThrowError(/Cholesky pivot 1/);
    expect(() => solvePositiveDefinite(Float64Array.from([1, 0, 0]), Float64Array.from([1, 1]))).toThrowError(/matrix size/);
  });
});
