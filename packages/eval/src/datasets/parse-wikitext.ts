import { detokenizeWikitext } from './wikitext-detokenize.js';

/** Options of `parseWikitext`. */
export interface WikitextOptions {
  /** Apply `detokenizeWikitext` to every article (default true). */
  readonly detokenize?: boolean;
}

/** A top-level heading line: ` = Title = `, but not a section heading ` = = Section = = `. */
const ARTICLE_HEADING = /^ *= (?!=).*[^=] = *$/;

/**
 * Splits a WikiText file (raw `wiki.test.raw` or tokenized `wiki.test.tokens`) into one
 * document per article: an article starts at each top-level heading line ` = Title = ` and
 * runs to the next one. Blank lines are dropped and the article's lines joined with `\n`;
 * text before the first heading, if any, is a document of its own. Each article is
 * detokenized (see `detokenizeWikitext`) unless `detokenize` is false.
 */
export function parseWikitext(text: string, options: WikitextOptions = {}): string[] {
  const detokenize = options.detokenize ?? true;
  const articles: string[][] = [];
  let current: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (ARTICLE_HEADING.test(line) && current.length > 0) {
      articles.push(current);
      current = [];
    }
    current.push(line);
  }
  if (current.length > 0) articles.push(current);
  return articles.map((lines) => {
    const joined = lines.join('\n');
    return (detokenize ? detokenizeWikitext(joined) : joined).trim();
  });
}
