import { describe, expect, it } from 'vitest';
import { tokenizerFingerprint } from './fingerprint.js';

const base = {
  version: '1.0',
  added_tokens: [{ id: 3, content: '[MASK]', special: true, normalized: false }],
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2, '[MASK]': 3 }, merges: ['a b'] },
};

describe('tokenizerFingerprint', () => {
  it('ignores formatting, key order and the merge notation', () => {
    const reordered = JSON.parse(JSON.stringify({ model: { merges: [['a', 'b']], vocab: { '[MASK]': 3, ab: 2, b: 1, a: 0 }, type: 'BPE' }, added_tokens: base.added_tokens, version: '1.0' }, null, 4));
    expect(tokenizerFingerprint(reordered)).toBe(tokenizerFingerprint(base));
    expect(tokenizerFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when an id, a merge or a special token changes', () => {
    const fingerprint = tokenizerFingerprint(base);
    expect(tokenizerFingerprint({ ...base, model: { ...base.model, vocab: { a: 1, b: 0, ab: 2, '[MASK]': 3 } } })).not.toBe(fingerprint);
    expect(tokenizerFingerprint({ ...base, model: { ...base.model, merges: [] } })).not.toBe(fingerprint);
    expect(tokenizerFingerprint({ ...base, added_tokens: [{ ...base.added_tokens[0], content: '[PAD]' }] })).not.toBe(fingerprint);
  });
});
