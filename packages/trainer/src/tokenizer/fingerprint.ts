import { sha256Of } from '../corpus/file-hash.js';
import { isRecord } from './json-file.js';

/**
 * A hash of what a tokenizer.json means rather than how it is formatted: the model type, the
 * tokens in id order, the merges (normalised to `"a b"`), and the added tokens with their ids.
 * Re-indenting or reordering keys leaves it unchanged; changing any id, merge or special token
 * changes it. Token shards record it so that training refuses a corpus tokenized differently.
 */
export function tokenizerFingerprint(tokenizerJson: unknown): string {
  const json = isRecord(tokenizerJson) ? tokenizerJson : {};
  const model = isRecord(json.model) ? json.model : {};
  const vocab = isRecord(model.vocab) ? Object.entries(model.vocab).sort((left, right) => Number(left[1]) - Number(right[1])) : [];
  const merges = Array.isArray(model.merges) ? model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : String(merge))) : [];
  const added = Array.isArray(json.added_tokens)
    ? json.added_tokens.map((token) => (isRecord(token) ? [token.id, token.content, token.special === true] : token)).sort((left, right) => Number((left as unknown[])[0]) - Number((right as unknown[])[0]))
    : [];
  return sha256Of(JSON.stringify({ type: model.type ?? null, vocab, merges, added }));
}
