// Writes the 512-token infill text of the bench scripts (maria-1b.sh, ettin.sh): the first 256
// words of SOURCE that are one token each under TOKENIZER (with their leading space), each
// followed by [MASK], so 512 tokens of which every other one is masked.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/masked-512.ts TOKENIZER SOURCE OUT
import { readFileSync, writeFileSync } from 'node:fs';
import { loadTokenizer } from '@maria-ts/backbones';

const [tokenizerFile, source, out] = process.argv.slice(2);
if (!tokenizerFile || !source || !out) throw new Error('usage: masked-512.ts TOKENIZER SOURCE OUT');
const tokenizer = await loadTokenizer(tokenizerFile);
const words = readFileSync(source, 'utf8')
  .split(/\s+/)
  .filter((word) => /^[A-Za-z]+$/.test(word) && tokenizer.encode(` ${word}`).length === 1)
  .slice(0, 256);
if (words.length < 256) throw new Error(`only ${words.length} one-token words`);
writeFileSync(out, words.map((word, i) => `${i === 0 ? word : ` ${word}`} [MASK]`).join(''));
