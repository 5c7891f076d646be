import { InvalidArgumentError, type Tokenizer } from '@maria-ts/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGpt2Tokenizer } from '../test/gpt2-tokenizer.js';
import { EmptyTextError, MissingMaskMarkerError, MissingMaskTokenError } from './errors.js';
import { parseMaskedText, type MaskSegment } from './parse-masked-text.js';

/** GPT-2 has no mask token; these tests place <|endoftext|> (50256) at masked positions. */
const MASK = 50256;

/** Words of one to several GPT-2 tokens, some with punctuation or apostrophes attached. */
const WORDS = [
  'The', 'cat', 'sat', 'on', 'the', 'mat.', 'Ishmael', 'whale', 'unbelievably', 'harpoon,', "captain's",
  '1851', 'sea-going', 'Queequeg', 'it', 'was', 'a', 'dark', 'night!', '(quietly)', 'don\'t', 'Pequod', 'résumé',
];

let tokenizer: Tokenizer;
beforeAll(() => {
  tokenizer = loadGpt2Tokenizer({ bos: 50256, eos: 50256 });
});

describe('parseMaskedText with the GPT-2 tokenizer', () => {
  it('gives the space before a marker to the masked word', () => {
    const parsed = parseMaskedText('The [MASK] sat on the mat.', tokenizer, { maskTokenId: MASK });
    expect(tokenizer.encode('The cat sat on the mat.')).toEqual([464, 3797, 3332, 319, 262, 2603, 13]);
    expect(parsed.ids).toEqual([464, MASK, 3332, 319, 262, 2603, 13]);
    expect(parsed.masked).toEqual([1]);
    expect(parsed.maskTokenId).toBe(MASK);
    expect(parsed.segments).toEqual([
      { kind: 'text', text: 'The', start: 0, end: 1 },
      { kind: 'mask', index: 0, leadingSpace: true, start: 1, end: 2 },
      { kind: 'text', text: ' sat on the mat.', start: 2, end: 7 },
    ]);
  });

  it('tokenizes so that filling each mask with its word gives the ids of the whole text (property)', () => {
    const sentence = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.boolean()), { minLength: 1, maxLength: 12 }).filter((words) => words.some(([, masked]) => masked));
    fc.assert(
      fc.property(sentence, (words) => {
        const text = words.map(([word]) => word).join(' ');
        const maskedText = words.map(([word, masked]) => (masked ? '[MASK]' : word)).join(' ');
        const fills = words.flatMap(([word, masked], index) => (masked ? [tokenizer.encode(index === 0 ? word : ` ${word}`)] : []));
        const parsed = parseMaskedText(maskedText, tokenizer, { tokensPerMask: fills.map((fill) => fill.length), maskTokenId: MASK });

        const filled = [...parsed.ids];
        const maskSegments = parsed.segments.filter((segment): segment is MaskSegment => segment.kind === 'mask');
        expect(maskSegments).toHaveLength(fills.length);
        maskSegments.forEach((segment, index) => {
          expect(segment.leadingSpace).toBe(segment.start > 0);
          filled.splice(segment.start, segment.end - segment.start, ...(fills[index] as number[]));
        });
        expect(filled).toEqual(tokenizer.encode(text));
        expect(parsed.masked).toEqual(maskSegments.flatMap((segment) => Array.from({ length: segment.end - segment.start }, (_, k) => segment.start + k)));

        // Concatenating the text segments and the decoded fills rebuilds the text.
        let fillIndex = 0;
        const rebuilt = parsed.segments.map((segment) => (segment.kind === 'text' ? segment.text : tokenizer.decode(fills[fillIndex++] as number[]))).join('');
        expect(rebuilt).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('turns each marker into tokensPerMask masked positions', () => {
    const parsed = parseMaskedText('[MASK] whale [MASK].', tokenizer, { tokensPerMask: 3, maskTokenId: MASK });
    expect(parsed.ids).toEqual([MASK, MASK, MASK, ...tokenizer.encode(' whale'), MASK, MASK, MASK, ...tokenizer.encode('.')]);
    expect(parsed.masked).toEqual([0, 1, 2, 4, 5, 6]);
    expect(parsed.segments.map((segment) => segment.kind)).toEqual(['mask', 'text', 'mask', 'text']);
    expect(parsed.segments[0]).toMatchObject({ leadingSpace: false, start: 0, end: 3 });
    expect(parsed.segments[2]).toMatchObject({ leadingSpace: true, start: 4, end: 7 });
  });

  it('handles adjacent markers, markers inside words, newlines and double spaces', () => {
    expect(parseMaskedText('[MASK][MASK]', tokenizer, { maskTokenId: MASK }).ids).toEqual([MASK, MASK]);
    const spaced = parseMaskedText('[MASK] [MASK]', tokenizer, { maskTokenId: MASK });
    expect(spaced.ids).toEqual([MASK, MASK]);
    expect(spaced.segments).toEqual([
      { kind: 'mask', index: 0, leadingSpace: false, start: 0, end: 1 },
      { kind: 'mask', index: 1, leadingSpace: true, start: 1, end: 2 },
    ]);
    expect(parseMaskedText('un[MASK]able', tokenizer, { maskTokenId: MASK }).ids).toEqual([...tokenizer.encode('un'), MASK, ...tokenizer.encode('able')]);
    const newline = parseMaskedText('Call me\n[MASK].', tokenizer, { maskTokenId: MASK });
    expect(newline.ids).toEqual([...tokenizer.encode('Call me\n'), MASK, ...tokenizer.encode('.')]);
    expect(newline.segments[1]).toMatchObject({ kind: 'mask', leadingSpace: false });
    // Only one space goes to the mask; "The  cat" is "The", "Ġ", "Ġcat" in GPT-2.
    expect(parseMaskedText('The  [MASK]', tokenizer, { maskTokenId: MASK }).ids).toEqual([464, 220, MASK]);
    expect(tokenizer.encode('The  cat')).toEqual([464, 220, 3797]);
  });

  it('accepts another marker and per-marker token counts', () => {
    const parsed = parseMaskedText('Call me ___. Some years ago ___ ___', tokenizer, { maskMarker: '___', tokensPerMask: [1, 2, 1], maskTokenId: MASK });
    expect(parsed.masked).toHaveLength(4);
    expect(parsed.segments.filter((segment) => segment.kind === 'mask').map((segment) => segment.end - segment.start)).toEqual([1, 2, 1]);
  });

  it("uses the tokenizer's own mask token by default", () => {
    const withMask = loadGpt2Tokenizer({ bos: 50256, mask: 50000 });
    expect(parseMaskedText('a [MASK]', withMask).ids).toEqual([...tokenizer.encode('a'), 50000]);
  });

  it('refuses bad input with typed errors', () => {
    const expectError = (run: () => unknown, isInstance: (error: unknown) => boolean, text: RegExp) => {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(isInstance(caught)).toBe(true);
      expect((caught as Error).message).toMatch(text);
    };
    expectError(() => parseMaskedText('The cat sat.', tokenizer, { maskTokenId: MASK }), MissingMaskMarkerError.isInstance, /no \[MASK\] marker in the text "The cat sat\."/);
    expectError(() => parseMaskedText('The [mask] sat.', tokenizer, { maskTokenId: MASK }), MissingMaskMarkerError.isInstance, /\[MASK\]/);
    expectError(() => parseMaskedText('', tokenizer, { maskTokenId: MASK }), EmptyTextError.isInstance, /empty/);
    expectError(() => parseMaskedText(' \n ', tokenizer, { maskTokenId: MASK }), EmptyTextError.isInstance, /only whitespace/);
    expectError(() => parseMaskedText('a [MASK]', tokenizer), MissingMaskTokenError.isInstance, /no mask token id/);
    expectError(() => parseMaskedText('a [MASK]', tokenizer, { maskTokenId: MASK, tokensPerMask: 0 }), InvalidArgumentError.isInstance, /tokensPerMask/);
    expectError(() => parseMaskedText('a [MASK]', tokenizer, { maskTokenId: MASK, tokensPerMask: [1, 1] }), InvalidArgumentError.isInstance, /one count per marker \(1 markers\)/);
    expectError(() => parseMaskedText('a [MASK]', tokenizer, { maskTokenId: MASK, maskMarker: '' }), InvalidArgumentError.isInstance, /maskMarker/);
  });
});
