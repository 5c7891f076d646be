/**
 * The byte-level alphabet of GPT-2-style BPE: every byte 0–255 is shown as one printable
 * Unicode character so merges can be written as text. Printable Latin-1 bytes stand for
 * themselves; the other 68 bytes (controls, space, soft hyphen, ...) are moved, in byte order,
 * to U+0100 onwards (space becomes `Ġ`, newline `Ċ`). Computing it here lets the tokenizer
 * builder check that a source vocabulary really contains all 256 byte tokens.
 */
export function byteLevelAlphabet(): string[] {
  const printable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const alphabet: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte += 1) {
    if (printable(byte)) {
      alphabet.push(String.fromCodePoint(byte));
    } else {
      alphabet.push(String.fromCodePoint(256 + shifted));
      shifted += 1;
    }
  }
  return alphabet;
}
