import { InvalidArgumentError } from '@maria-ts/core';

/**
 * Solves `matrix · x = rhs` for a symmetric positive-definite `matrix` (row-major, n×n)
 * by Cholesky factorisation, in float64. The Newton systems of the Bradley–Terry fit are
 * a handful of models wide, so a dense direct solve is both exact and cheap; it throws
 * `InvalidArgumentError` if a pivot is not positive, instead of returning NaN.
 */
export function solvePositiveDefinite(matrix: Float64Array, rhs: Float64Array): Float64Array {
  const n = rhs.length;
  if (matrix.length !== n * n) throw new InvalidArgumentError('matrix size', matrix.length, `${n}×${n} = ${n * n} entries`);
  const lower = new Float64Array(n * n);
  for (let row = 0; row < n; row++) {
    for (let column = 0; column <= row; column++) {
      let sum = matrix[row * n + column] as number;
      for (let k = 0; k < column; k++) sum -= (lower[row * n + k] as number) * (lower[column * n + k] as number);
      if (row === column) {
        if (!(sum > 0)) throw new InvalidArgumentError(`Cholesky pivot ${row}`, sum, 'a positive number (the matrix must be positive definite)');
        lower[row * n + row] = Math.sqrt(sum);
      } else {
        lower[row * n + column] = sum / (lower[column * n + column] as number);
      }
    }
  }
  // Forward substitution L y = rhs, then back substitution Lᵀ x = y.
  const solution = Float64Array.from(rhs);
  for (let row = 0; row < n; row++) {
    let sum = solution[row] as number;
    for (let k = 0; k < row; k++) sum -= (lower[row * n + k] as number) * (solution[k] as number);
    solution[row] = sum / (lower[row * n + row] as number);
  }
  for (let row = n - 1; row >= 0; row--) {
    let sum = solution[row] as number;
    for (let k = row + 1; k < n; k++) sum -= (lower[k * n + row] as number) * (solution[k] as number);
    solution[row] = sum / (lower[row * n + row] as number);
  }
  return solution;
}
