import { describe, expect, it } from 'vitest';
import { tinyTokenizer } from '../testing/test-server.js';
import { InfillTextStream } from './infill-text-stream.js';

const REPLACEMENT = '\uFFFD';

describe('InfillTextStream: decoded text deltas of an infill', () => {
  it('accented, CJK and emoji characters split across byte tokens arrive whole, and the deltas add up to the text', async () => {
    const tokenizer = await tinyTokenizer();
    const text = 'Le café Zürich, 東京 🐱 naïve.';
    const ids = tokenizer.encode(text);
    // The premise: decoded one by one, many of these tokens are not text.
    const pieces = ids.map((id) => tokenizer.decode([id]));
    expect(pieces.filter((piece) => piece === REPLACEMENT).length).toBeGreaterThan(8);
    // Mask every token that is part of a character, and one ordinary token.
    const masked = pieces.flatMap((piece, index) => (piece === REPLACEMENT || piece === 'rich' ? [index] : []));
    const mask = tokenizer.specialTokens.mask as number;
    const stream = new InfillTextStream(tokenizer, ids.map((id, index) => (masked.includes(index) ? mask : id)), masked);
    const start = stream.start();
    expect(start.text).toBe('Le café Z');
    expect(start.pending).toHaveLength(masked.length);
    const deltas = masked.map((index) => stream.fill(index, ids[index] as number));
    for (const delta of deltas) {
      expect(delta.text.startsWith(delta.fill)).toBe(true);
      expect(delta.text).not.toContain(REPLACEMENT);
    }
    expect(start.text + deltas.map((delta) => delta.text).join('')).toBe(text);
    // "ü" is two masked tokens: the first adds nothing, the second the whole character.
    expect(deltas.slice(0, 2).map((delta) => delta.fill)).toEqual(['', 'ü']);
    expect(deltas.map((delta) => delta.fill).join('')).toBe('ürich東京🐱ï');
  });

  it('a fill that arrives before an earlier one adds nothing until the earlier one is filled', async () => {
    const tokenizer = await tinyTokenizer();
    const ids = tokenizer.encode('The cat sat on the mat.');
    const mask = tokenizer.specialTokens.mask as number;
    const stream = new InfillTextStream(tokenizer, ids.map((id, index) => (index === 1 || index === 4 ? mask : id)), [1, 4]);
    expect(stream.start()).toEqual({ text: 'The', pending: [' sat on', ' mat.'] });
    expect(stream.fill(4, ids[4] as number)).toEqual({ text: '', fill: '' });
    expect(stream.fill(1, ids[1] as number)).toEqual({ text: ' cat sat on the mat.', fill: ' cat' });
  });

  it('an incomplete character at the very end of the sequence is released, as the final text has it', async () => {
    const tokenizer = await tinyTokenizer();
    const ids = [...tokenizer.encode('ok'), ...tokenizer.encode(' 東').slice(0, 2)];
    const mask = tokenizer.specialTokens.mask as number;
    const last = ids.length - 1;
    const stream = new InfillTextStream(tokenizer, ids.map((id, index) => (index === last ? mask : id)), [last]);
    expect(stream.start().text).toBe('ok ');
    const delta = stream.fill(last, ids[last] as number);
    expect(`ok ${delta.text}`).toBe(tokenizer.decode(ids));
  });
});
