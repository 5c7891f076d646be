/**
 * The k-th largest entry of `values` (k is 1-based, duplicates counted), by quickselect
 * with three-way partitioning, in expected O(n): top-k over a 50k vocabulary must not
 * sort the whole row at every decoding step. `values` is reordered in place.
 */
export function kthLargest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  const target = k - 1;
  const swap = (a: number, b: number) => {
    const held = values[a] as number;
    values[a] = values[b] as number;
    values[b] = held;
  };
  for (;;) {
    if (low >= high) return values[low] as number;
    const a = values[low] as number;
    const b = values[(low + high) >>> 1] as number;
    const c = values[high] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    // Descending three-way partition: [low, less) > pivot, [less, greater] = pivot, (greater, high] < pivot.
    let less = low;
    let index = low;
    let greater = high;
    while (index <= greater) {
      const value = values[index] as number;
      if (value > pivot) swap(less++, index++);
      else if (value < pivot) swap(index, greater--);
      else index++;
    }
    if (target < less) high = less - 1;
    else if (target > greater) low = greater + 1;
    else return pivot;
  }
}

/**
 * The `k` candidates with the largest logits, as ascending ids. Among equal logits at the
 * cut the lowest ids are kept, so exactly min(k, candidates) ids come back and the result
 * does not depend on the selection algorithm.
 */
export function topKCandidates(logits: ArrayLike<number>, candidates: Int32Array, k: number): Int32Array {
  if (k >= candidates.length) return candidates;
  const values = new Float64Array(candidates.length);
  for (let index = 0; index < candidates.length; index++) values[index] = logits[candidates[index] as number] as number;
  const threshold = kthLargest(values, k);
  let above = 0;
  for (let index = 0; index < candidates.length; index++) if ((logits[candidates[index] as number] as number) > threshold) above++;
  let tiesLeft = k - above;
  const kept = new Int32Array(k);
  let count = 0;
  for (let index = 0; index < candidates.length && count < k; index++) {
    const id = candidates[index] as number;
    const value = logits[id] as number;
    if (value > threshold || (value === threshold && tiesLeft-- > 0)) kept[count++] = id;
  }
  return kept;
}
