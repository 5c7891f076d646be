import { createHash } from 'node:crypto';

/**
 * A stable hash of a tokenizer's identity: its vocabulary (token → id, in id order) and its
 * merges (in rank order). MARIA refuses to pair an AR and an MLM backbone whose tokenizers
 * differ; comparing sizes is not enough, since two BPEs with equal vocab sizes but different
 * merges split text differently. Normalizer and pre-tokenizer settings are not hashed.
 * Tokens are JSON-quoted so no token can imitate a separator.
 */
export function tokenizerFingerprint(vocabulary: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[]): string {
  const hash = createHash('sha256');
  hash.update('vocab\n');
  const entries = [...vocabulary].sort((left, right) => left[1] - right[1] || (left[0] < right[0] ? -1 : 1));
  for (const [token, id] of entries) hash.update(`${id}\t${JSON.stringify(token)}\n`);
  hash.update('merges\n');
  for (const [left, right] of merges) hash.update(`${JSON.stringify(left)}\t${JSON.stringify(right)}\n`);
  return hash.digest('hex');
}
