/**
 * Mean over samples of the entropy (bits) of each sample's own token frequencies. Generative
 * perplexity alone rewards degenerate repetition ("the the the" scores well under most
 * judges), so Figure-5-style reports pair it with this diversity figure, as MDLM-style
 * evaluations do: a fluent 64-token sample has roughly 5–6 bits, a repeated token 0.
 */
export function meanTokenEntropy(samples: readonly (readonly number[])[]): number {
  if (samples.length === 0) return Number.NaN;
  let total = 0;
  for (const ids of samples) {
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    let entropy = 0;
    for (const count of counts.values()) {
      const p = count / ids.length;
      entropy -= p * Math.log2(p);
    }
    total += entropy;
  }
  return total / samples.length;
}
