import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initEngine } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { hasTinyMaria } from '@maria-ts/model-tiny';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMariaInProcess as run } from '../maria-in-process.test-support.js';
import { colorEnabled, infillText } from './format-infill.js';
import type { InfillCommandResult } from './run-infill.js';

let root: string;
let modelDir: string;
let mismatchedDir: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(os.tmpdir(), 'maria-infill-cli-'));
  const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  modelDir = path.join(root, 'maria');
  const otherDir = path.join(root, 'other');
  for (const [seed, dir] of [[1, modelDir], [2, otherDir]] as const) {
    const model = createRandomMariaModel({ tokenizer, seed });
    try {
      await saveMariaModel(model, dir);
    } finally {
      model.dispose();
    }
  }
  // the head of another MARIA (other backbone weights) next to this one's backbones
  mismatchedDir = path.join(root, 'mismatched');
  await cp(modelDir, mismatchedDir, { recursive: true });
  await rm(path.join(mismatchedDir, 'head'), { recursive: true });
  await cp(path.join(otherDir, 'head'), path.join(mismatchedDir, 'head'), { recursive: true });
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

interface InfillJson {
  text: string;
  tokens: number[];
  masked: number[];
  filled: { index: number; id: number; piece: string; logProb: number }[];
}

describe('maria infill --json (ARCHITECTURE.md §5.3)', () => {
  it('prints {"text", "tokens", "masked", "filled"} with the unmasked tokens untouched', async () => {
    const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
    const { stdout, exitCode } = await run(['infill', '--text', 'The [MASK] sat on the [MASK].', '--model', modelDir, '--seed', '3', '--json']);
    expect(exitCode).toBe(0);
    const output = JSON.parse(stdout) as InfillJson;
    expect(Object.keys(output)).toEqual(['text', 'tokens', 'masked', 'filled']);
    const the = tokenizer.encode('The');
    const sat = tokenizer.encode(' sat on the');
    expect(output.masked).toEqual([the.length, the.length + 1 + sat.length]);
    expect(output.tokens.slice(0, the.length)).toEqual(the);
    expect(output.tokens.slice(the.length + 1, the.length + 1 + sat.length)).toEqual(sat);
    expect(output.tokens.at(-1)).toEqual(tokenizer.encode('.')[0]);
    expect(output.text).toBe(tokenizer.decode(output.tokens));
    expect(output.filled.map(({ index, id, piece }) => ({ index, id, piece }))).toEqual(output.masked.map((index) => ({ index, id: output.tokens[index], piece: tokenizer.decode([output.tokens[index] as number]) })));
    for (const token of output.filled) expect(token.logProb).toBeLessThan(0);
  });

  it('--n-best K adds "nBest": [{text, logProb}] best first, the first being the printed fill; sampling flags with it exit 2', async () => {
    const { stdout, exitCode } = await run(['infill', '--text', 'The [MASK] sat on the [MASK].', '--model', modelDir, '--n-best', '3', '--json']);
    expect(exitCode).toBe(0);
    const output = JSON.parse(stdout) as InfillJson & { nBest: { text: string; logProb: number }[] };
    expect(Object.keys(output)).toEqual(['text', 'tokens', 'masked', 'filled', 'nBest']);
    expect(output.nBest).toHaveLength(3);
    expect(output.nBest[0]?.text).toBe(output.text);
    expect(output.nBest.map((fill) => fill.logProb)).toEqual([...output.nBest.map((fill) => fill.logProb)].sort((a, b) => b - a));
    expect(output.nBest[0]?.logProb).toBeCloseTo(output.filled.reduce((sum, token) => sum + token.logProb, 0), 9);
    const refused = await run(['infill', '--text', 'The [MASK] sat.', '--model', modelDir, '--n-best', '2', '--top-p', '0.5']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/^error: .*--n-best.*--top-p/);
  });

  it('reproduces with a seed, honours --tokens-per-mask (one count or one per marker) and every method', async () => {
    const args = ['infill', '--text', 'A [MASK] and a [MASK] went home.', '--model', modelDir, '--json', '--seed', '9'];
    const first = JSON.parse((await run(args)).stdout) as InfillJson;
    const again = JSON.parse((await run(args)).stdout) as InfillJson;
    expect(again).toEqual(first);
    const three = JSON.parse((await run([...args, '--tokens-per-mask', '3'])).stdout) as InfillJson;
    expect(three.masked).toHaveLength(6);
    const perMarker = JSON.parse((await run([...args, '--tokens-per-mask', '1,2', '--temperature', '0'])).stdout) as InfillJson;
    expect(perMarker.masked).toHaveLength(3);
    expect(perMarker.masked[2]! - perMarker.masked[1]!).toBe(1);
    for (const method of ['mlm', 'diffusion', 'ar']) {
      const { stdout, stderr, exitCode } = await run([...args, '--method', method, '--top-k', '20']);
      expect(exitCode).toBe(0);
      expect((JSON.parse(stdout) as InfillJson).masked).toEqual(first.masked);
      if (method === 'diffusion') expect(stderr).toContain('no diffusion encoder; the MLM denoised instead');
    }
  });
});

describe('maria infill, human output', () => {
  it('prints the text with the fills marked, and no ANSI colour when stdout is not a terminal', async () => {
    const { stdout, exitCode } = await run(['infill', '--text', 'The [MASK] sat on the mat.', '--model', modelDir]);
    expect(exitCode).toBe(0);
    const [text, about] = stdout.split('\n');
    expect(text).toMatch(/^The ?\*.+\* sat on the mat\.$/u);
    expect(about).toMatch(/^filled 1 token with maria · model .* · engine wasm$/u);
    expect(stdout).not.toContain('\u001b[');
  });

  it('colours fills only on a terminal without NO_COLOR', () => {
    const result = {
      segments: [{ kind: 'text', text: 'The' }, { kind: 'fill', text: ' cat' }, { kind: 'text', text: ' sat.' }],
      filled: [{ index: 1, id: 3797, piece: ' cat' }],
      method: 'maria',
      modelName: 'm',
      engine: { name: 'wasm' },
    } as unknown as InfillCommandResult;
    expect(infillText(result, true).split('\n')[0]).toBe('The \u001b[1;32mcat\u001b[0m sat.');
    expect(infillText(result, false).split('\n')[0]).toBe('The *cat* sat.');
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});

describe('maria infill, bad input: one line and a non-zero exit', () => {
  const longText = `${'word '.repeat(2100)}[MASK].`;
  it.each([
    ['no [MASK]', ['--text', 'The cat sat on the mat.'], /^error: no \[MASK\] marker in the text "The cat sat on the mat\."$/u],
    ['a text longer than --max-length', ['--text', 'The [MASK] sat on the mat.', '--max-length', '4'], /^error: infill request has 7 tokens, more than the maximum of 4$/u],
    ['a text longer than the model supports', ['--text', longText], /^error: infill request has \d+ tokens, more than the maximum of 2048$/u],
    ['an unknown method', ['--text', 'The [MASK].', '--method', 'beam'], /^error: invalid --method: "beam" \(expected maria \| mlm \| diffusion \| ar\)$/u],
    ['a negative temperature', ['--text', 'The [MASK].', '--temperature', '-1'], /^error: invalid --temperature/u],
  ])('%s', async (_, args, message) => {
    const { stdout, stderr, exitCode } = await run(['infill', ...args, '--model', modelDir]);
    expect(exitCode).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });

  it('an unknown model directory', async () => {
    const { stderr, exitCode } = await run(['infill', '--text', 'The [MASK].', '--model', path.join(root, 'missing')]);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toMatch(/^error: .*missing: not a MARIA directory \(does not exist or is not a directory\)$/u);
  });

  it('--fraction-gate with a head that has no gate; with one, the gated fill differs from the plain one', async () => {
    const refused = await run(['infill', '--text', 'The [MASK].', '--model', modelDir, '--fraction-gate']);
    expect(refused.exitCode).toBe(1);
    const errorLines = refused.stderr.trim().split('\n').filter((line) => !line.startsWith('maria: engine'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^error: .*head: no fraction-gate\.json: this head has no fraction gate .*$/u);
    process.exitCode = undefined;
    const gatedDir = path.join(root, 'gated');
    await cp(modelDir, gatedDir, { recursive: true });
    await writeFile(path.join(gatedDir, 'head', 'fraction-gate.json'), JSON.stringify({ format: 'maria-fraction-gate', offset: -6, slope: 0, arOffset: 1.5, arSlope: 0 }));
    const args = ['infill', '--text', 'A [MASK] and a [MASK] went [MASK] for the [MASK].', '--model', gatedDir, '--temperature', '0', '--json'];
    const [plain, gated] = [await run(args), await run([...args, '--fraction-gate'])];
    expect([plain.exitCode, gated.exitCode]).toEqual([0, 0]);
    const logProbs = (stdout: string) => (JSON.parse(stdout) as InfillJson).filled.map((token) => token.logProb);
    expect(logProbs(gated.stdout)).not.toEqual(logProbs(plain.stdout));
  });

  it('a head that does not match its backbones', async () => {
    const { stderr, exitCode } = await run(['infill', '--text', 'The [MASK].', '--model', mismatchedDir]);
    expect(exitCode).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.trim()).toMatch(/^error: .*head: the fusion head was built for a different AR backbone .*retrain or re-initialise the head for these backbones$/u);
  });

  it('prints a JSON error body with --json', async () => {
    const { stdout, exitCode } = await run(['infill', '--text', 'no marker', '--model', modelDir, '--json']);
    expect(exitCode).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ error: 'MissingMaskMarker' });
  });

  it('without --model: the embedded tiny model fills the mask and leaves the rest of the text alone', async () => {
    expect(await hasTinyMaria()).toBe(true);
    const { stdout, exitCode } = await run(['infill', '--text', 'The [MASK] sat on the mat.', '--seed', '0', '--json']);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as InfillJson;
    expect(json.masked).toHaveLength(1);
    expect(json.text.startsWith('The ')).toBe(true);
    expect(json.text.endsWith(' sat on the mat.')).toBe(true);
  });

  it('as a real process through the installed bin: a text with no [MASK] is an input error, exit 2 and one line on stderr, no stack trace', () => {
    const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
    const child = spawnSync(path.join(repo, 'node_modules', '.bin', 'maria'), ['infill', '--text', 'nothing to fill', '--model', modelDir], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    const lines = child.stderr.trim().split('\n').filter((line) => !line.startsWith('maria: engine'));
    expect(lines).toEqual(['error: no [MASK] marker in the text "nothing to fill"']);
  }, 60_000);
});

describe('maria infill: where the text comes from, and argument errors (exit 2, flags as typed)', () => {
  it('--file reads the text as UTF-8 bytes and fills it as --text would', async () => {
    const text = 'Le café [MASK] Zürich, 東京 🐱.';
    const file = path.join(root, 'accented.txt');
    await writeFile(file, text, 'utf8');
    const fromText = await run(['infill', '--text', text, '--model', modelDir, '--seed', '2', '--json']);
    const fromFile = await run(['infill', '--file', file, '--model', modelDir, '--seed', '2', '--json']);
    expect(fromFile.exitCode).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual(JSON.parse(fromText.stdout));
    expect((JSON.parse(fromFile.stdout) as InfillJson).text).toMatch(/^Le café .* Zürich, 東京 🐱\.$/u);
  });

  it('--file takes a text past the 128 KiB a single argument may have (the model then refuses its length)', async () => {
    const file = path.join(root, 'long.txt');
    await writeFile(file, `${'word '.repeat(40_000)}[MASK].`, 'utf8');
    const { stderr, exitCode } = await run(['infill', '--file', file, '--model', modelDir]);
    expect(exitCode).toBe(2);
    expect(stderr.trim()).toMatch(/^error: infill request has \d{5} tokens, more than the maximum of 2048$/u);
  });

  it.each([
    ['invalid UTF-8 in a file', async () => ['--file', await bytesFile('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, ...Buffer.from('[MASK]')]))], /^error: --file .*latin1\.txt: not valid UTF-8 \(at byte 3\)$/u],
    ['a stray byte after a complete character', async () => ['--file', await bytesFile('stray.txt', Buffer.from([...Buffer.from('é [MASK]'), 0xff]))], /^error: --file .*stray\.txt: not valid UTF-8 \(at byte 9\)$/u],
    ['a file that ends inside a character', async () => ['--file', await bytesFile('cut.txt', Buffer.from([...Buffer.from('[MASK] caf'), 0xc3]))], /^error: --file .*cut\.txt: not valid UTF-8 \(it ends inside a character\)$/u],
    ['a --text holding U+FFFD (what invalid bytes in argv decode to)', async () => ['--text', 'caf\uFFFD [MASK]'], /^error: --text is not valid UTF-8 \(U\+FFFD at character 3, .*--file/u],
    ['neither --text nor --file', async () => [], /^error: give the text with exactly one of --text TEXT or --file PATH \(--file - reads stdin\)$/u],
    ['both --text and --file', async () => ['--text', 'a [MASK]', '--file', path.join(root, 'accented.txt')], /^error: give the text with exactly one of --text/u],
    ['a missing file', async () => ['--file', path.join(root, 'nowhere.txt')], /^error: --file .*nowhere\.txt: not a readable file$/u],
    ['an unknown flag', async () => ['--text', 'a [MASK]', '--tmperature', '0.5'], /^error: unknown option '--tmperature' \(Did you mean --temperature\?\)$/u],
    ['a flag without its value', async () => ['--text', 'a [MASK]', '--seed'], /^error: option '--seed <n>' argument missing$/u],
    ['--top-p out of range names the flag as typed', async () => ['--text', 'a [MASK]', '--top-p', '2'], /^error: invalid --top-p: "2" \(expected a number in \(0, 1\]\)$/u],
    ['--tokens-per-mask with the wrong count names the flag as typed', async () => ['--text', 'a [MASK] b [MASK]', '--tokens-per-mask', '1,2,3'], /^error: invalid --tokens-per-mask: \[1,2,3\] \(expected one count per marker \(2 markers\)\)$/u],
  ])('%s: exit 2, one line, a JSON InvalidArgument error with --json', async (_, args, message) => {
    const plain = await run(['infill', '--model', modelDir, ...(await args())]);
    expect(plain.stderr.trim()).toMatch(message);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stdout).toBe('');
    expect(plain.exitCode).toBe(2);
    const json = await run(['infill', '--model', modelDir, '--json', ...(await args())]);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'InvalidArgument' });
  });
});

async function bytesFile(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(root, name);
  await writeFile(file, bytes);
  return file;
}
