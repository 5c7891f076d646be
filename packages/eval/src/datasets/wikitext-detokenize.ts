/**
 * Undoes WikiText's whitespace tokenisation, the detokeniser that zero-shot LM evaluations
 * apply to WikiText before scoring it with a subword tokenizer (Megatron-LM's
 * `wikitext_detokenizer`, reused by lm-evaluation-harness), so that the text a model scores
 * reads like ordinary prose rather than like WikiText's word-level token stream:
 *
 * - contractions: `s '` → `s'`;
 * - number separators: ` @-@ ` → `-`, ` @,@ ` → `,`, ` @.@ ` → `.` (`1 @,@ 000` → `1,000`);
 * - punctuation: ` : `, ` ; `, ` . `, ` ! `, ` ? `, ` , ` lose the space before the mark;
 * - brackets and quotes lose the inner padding: `( a )` → `(a)`, `" a "` → `"a"`, also `[ ]`,
 *   `{ }` and `' '` (matched lazily, non-nested, as the original does);
 * - headings `= = =` → `===` (and `= =`, `= = = =`), ` ° ` → `°`;
 * - spaces around line breaks go, ` N ` → ` 1 ` (the PTB number placeholder), ` 's` → `'s`.
 *
 * Both WikiText forms need it: the raw files keep the same spacing, the tokenized ones add
 * `<unk>`, which stays as it is. Apply it to a whole article (line breaks included).
 */
export function detokenizeWikitext(text: string): string {
  let s = text;
  // Contractions. (The original's second rule, re.sub(r"/' [0-9]/", r"/'[0-9]/"), only
  // rewrites the literal text "/' [0-9]/" and is kept for fidelity.)
  s = s.replaceAll("s '", "s'");
  s = s.replaceAll("/' [0-9]/", "/'[0-9]/");
  // Number separators.
  s = s.replaceAll(' @-@ ', '-').replaceAll(' @,@ ', ',').replaceAll(' @.@ ', '.');
  // Punctuation.
  for (const mark of [':', ';', '.', '!', '?', ',']) s = s.replaceAll(` ${mark} `, `${mark} `);
  // Brackets and quotes.
  s = s.replace(/\(\s*([^)]*?)\s*\)/g, '($1)');
  s = s.replace(/\[\s*([^\]]*?)\s*\]/g, '[$1]');
  s = s.replace(/\{\s*([^}]*?)\s*\}/g, '{$1}');
  s = s.replace(/"\s*([^"]*?)\s*"/g, '"$1"');
  s = s.replace(/'\s*([^']*?)\s*'/g, "'$1'");
  // Miscellaneous.
  s = s.replaceAll('= = = =', '====').replaceAll('= = =', '===').replaceAll('= =', '==');
  s = s.replaceAll(' \u00b0 ', '\u00b0');
  s = s.replaceAll(' \n', '\n').replaceAll('\n ', '\n');
  s = s.replaceAll(' N ', ' 1 ');
  s = s.replaceAll(" 's", "'s");
  return s;
}
