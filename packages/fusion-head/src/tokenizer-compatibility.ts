import { type Tokenizer, TokenizerMismatchError } from '@maria-ts/core';

/**
 * Refuses two tokenizers that are not the same tokenizer. The comparison is `fingerprint()`,
 * a hash of the whole vocabulary (token → id, added tokens included) and the merges in rank
 * order, so two BPEs of equal size that split text differently are told apart. Normalizer
 * and pre-tokenizer settings are not part of the fingerprint. The message says whether the
 * sizes, the special-token ids or only the vocabulary/merges differ.
 */
export function assertSameTokenizer(left: Tokenizer, right: Tokenizer, leftName: string, rightName: string): void {
  if (left.fingerprint() === right.fingerprint()) return;
  let difference: string;
  if (left.vocabSize !== right.vocabSize) {
    difference = `vocab sizes ${left.vocabSize} vs ${right.vocabSize}`;
  } else {
    const roles = (['bos', 'eos', 'mask', 'pad', 'cls', 'sep'] as const).filter((role) => left.specialTokens[role] !== right.specialTokens[role]);
    difference = roles.length > 0
      ? `special tokens ${roles.join(', ')} have different ids`
      : `same size (${left.vocabSize}) but different vocabularies or merges (fingerprints ${left.fingerprint().slice(0, 12)} vs ${right.fingerprint().slice(0, 12)})`;
  }
  throw new TokenizerMismatchError(leftName, rightName, difference);
}
