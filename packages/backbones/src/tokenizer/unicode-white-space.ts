/**
 * GPT-2's byte-level split pattern with whitespace meaning Unicode `White_Space`, as in the
 * Rust tokenizers library (its regex `\s` includes U+0085 and excludes U+FEFF; JavaScript's
 * `\s` does the opposite). `\P{White_Space}` stands for `\S` in the lookahead.
 */
export const BYTE_LEVEL_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * The parts of `@huggingface/tokenizers`' runtime pre-tokenizers this module touches: a
 * ByteLevel keeps its tokenizer.json entry in `config` and its split regex in `pattern`; a
 * Sequence keeps its members in `tokenizers`. (The package's type declarations do not
 * resolve under NodeNext, so the shape is declared here.)
 */
interface RuntimePreTokenizer {
  readonly config?: { readonly type?: unknown };
  pattern?: unknown;
  readonly tokenizers?: unknown;
}

/** The runtime's pre-tokenizers are callable objects (functions), so both kinds are accepted. */
const isObject = (value: unknown): value is RuntimePreTokenizer => (typeof value === 'object' && value !== null) || typeof value === 'function';

/**
 * Makes every byte-level pre-tokenizer in `preTokenizer` (itself or inside a Sequence) split
 * with `BYTE_LEVEL_SPLIT_PATTERN`. `@huggingface/tokenizers` 0.2 hard-codes the pattern with
 * JavaScript's `\s`, so "a \ufeffb" or "x \u0085y" encoded to other ids than Hugging Face's
 * own tokenizer gives for GPT-2, OLMo, ModernBERT and model-tiny: the same text fed to the
 * model here and in Python must be the same ids. Returns how many pre-tokenizers it changed.
 */
export function useUnicodeWhiteSpace(preTokenizer: unknown): number {
  if (!isObject(preTokenizer)) return 0;
  if (preTokenizer.config?.type === 'ByteLevel' && preTokenizer.pattern instanceof RegExp) {
    preTokenizer.pattern = BYTE_LEVEL_SPLIT_PATTERN;
    return 1;
  }
  if (Array.isArray(preTokenizer.tokenizers)) return preTokenizer.tokenizers.reduce((count: number, inner: unknown) => count + useUnicodeWhiteSpace(inner), 0);
  return 0;
}
