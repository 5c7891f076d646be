import { DatasetFormatError } from '../errors.js';

/** One CoNLL sentence: its words and their part-of-speech tags (Penn Treebank). */
export interface TaggedSentence {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

/**
 * Reads CoNLL-2003 in its original column format (`word POS chunk NER`, one token per line,
 * blank lines between sentences, `-DOCSTART-` lines between documents) and keeps the words
 * and the POS column. A non-blank line with fewer than two columns is a `DatasetFormatError`.
 */
export function parseConll(text: string, source = 'conll'): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  let words: string[] = [];
  let tags: string[] = [];
  const flush = () => {
    if (words.length > 0) sentences.push({ words, tags });
    words = [];
    tags = [];
  };
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return flush();
    const columns = trimmed.split(/\s+/);
    if (columns[0] === '-DOCSTART-') return flush();
    if (columns.length < 2) throw new DatasetFormatError(source, index + 1, `expected "word POS ..." columns, got ${JSON.stringify(trimmed)}`);
    words.push(columns[0] as string);
    tags.push(columns[1] as string);
  });
  flush();
  return sentences;
}
