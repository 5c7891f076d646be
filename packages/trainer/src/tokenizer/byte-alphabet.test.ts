import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet } from './byte-alphabet.js';

describe('byteLevelAlphabet', () => {
  it('maps all 256 bytes to distinct single characters with the GPT-2 conventions', () => {
    const alphabet = byteLevelAlphabet();
    expect(alphabet).toHaveLength(256);
    expect(new Set(alphabet).size).toBe(256);
    expect(alphabet[0x20]).toBe('Ġ'); // space
    expect(alphabet[0x0a]).toBe('Ċ'); // newline
    expect(alphabet[0x41]).toBe('A');
    expect(alphabet[0xad]).toBe('Ń'); // soft hyphen is not printable, so it is shifted
    expect(alphabet.every((character) => [...character].length === 1)).toBe(true);
  });
});
