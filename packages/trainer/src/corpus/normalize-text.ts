import { detokenizeWikitext } from '@maria-ts/eval';

/**
 * Text normalisation applied to every line before tokenizing:
 * - Unicode NFC, so a character has one byte sequence whatever the source's composition;
 * - line breaks become `\n` (`readLines` already splits on `\r\n` and drops the `\r`; a stray
 *   `\r` left at the end of a line is removed here).
 * Tokenized sources are then detokenized (when asked) with the evaluation's own detokenizer
 * (`detokenizeWikitext` of `@maria-ts/eval`), so the corpus and the evaluation sets share one
 * normalisation: see `detokenizeArticle` and `detokenizePtbSentences`.
 */
export function normalizeLine(line: string): string {
  return line.replace(/\r+$/, '').normalize('NFC');
}

/**
 * One WikiText article in its written form, exactly as the evaluation reads WikiText
 * (`parseWikitext` of `@maria-ts/eval`): the article's non-blank lines, untrimmed, joined with
 * `\n`, detokenized as a whole and trimmed. `<unk>` is left as it is.
 */
export function detokenizeArticle(lines: readonly string[]): string {
  return detokenizeWikitext(lines.join('\n')).trim();
}

/**
 * Penn-Treebank-style sentences (the Brown corpus's plain form: ``` `` ``` and `''` quotes,
 * a space before punctuation) joined into one paragraph in written form: the quotes become `"`
 * (the opening one takes the following space, the closing one the preceding space), then the
 * evaluation's WikiText detokenizer removes the space before punctuation and inside brackets.
 */
export function detokenizePtbSentences(sentences: readonly string[]): string {
  const joined = sentences.map((sentence) => sentence.trim()).join(' ');
  const quoted = joined.replace(/``\s*/g, '"').replace(/\s*''/g, '"');
  return detokenizeWikitext(` ${quoted} `).trim();
}

/**
 * The normalisation of a whole document from a record file (a JSONL `text` field, a Parquet
 * `text` cell), matching what text files get line by line: NFC, every `\r\n` or lone `\r`
 * made `\n`, and surrounding whitespace trimmed (an all-blank record becomes `''` and is skipped).
 */
export function normalizeDocument(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC').trim();
}
