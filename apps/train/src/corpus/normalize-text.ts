/**
 * Text normalisation applied to every line before tokenizing:
 * - Unicode NFC, so a character has one byte sequence whatever the source's composition;
 * - line breaks become `\n` (`readLines` already splits on `\r\n` and drops the `\r`; a stray
 *   `\r` left at the end of a line is removed here);
 * - for the WikiText tokenized form only (and only when asked), `detokenizeWikitext`.
 */
export function normalizeLine(line: string): string {
  return line.replace(/\r+$/, '').normalize('NFC');
}

/**
 * Undoes WikiText's tokenization on one line, so the model learns ordinary prose spacing:
 * - ` @-@ ` → `-`, ` @,@ ` → `,`, ` @.@ ` → `.` (the escaped in-word hyphen and number separators);
 * - no space before `. , ; : ! ? % ) ] }` nor after `( [ {`;
 * - clitics rejoin their word: ` 's` ` 're` ` 've` ` 'll` ` 'd` ` 'm` ` n't`;
 * - a quoted span `" x "` becomes `"x"`;
 * - heading markers `= = Title = =` become `== Title ==`.
 * `<unk>` (WikiText's out-of-vocabulary word) is left as it is.
 */
export function detokenizeWikitext(line: string): string {
  let text = line
    .replace(/ @-@ /g, '-')
    .replace(/ @,@ /g, ',')
    .replace(/ @\.@ /g, '.')
    .replace(/ (n't|'s|'re|'ve|'ll|'d|'m)(?![\p{L}\p{N}])/giu, '$1')
    .replace(/ ([.,;:!?%)\]}])/g, '$1')
    .replace(/([([{]) /g, '$1')
    .replace(/" ([^"]*?) "/g, '"$1"');
  const heading = /^((?:= )+)(.*?)((?: =)+)$/.exec(text.trim());
  if (heading && heading[1] && heading[3] && heading[1].length === heading[3].length) {
    const level = '='.repeat(heading[1].length / 2);
    text = `${level} ${heading[2] ?? ''} ${level}`;
  }
  return text;
}

/**
 * The normalisation of a whole document from a record file (a JSONL `text` field, a Parquet
 * `text` cell), matching what text files get line by line: NFC, every `\r\n` or lone `\r`
 * made `\n`, and surrounding whitespace trimmed (an all-blank record becomes `''` and is skipped).
 */
export function normalizeDocument(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}
