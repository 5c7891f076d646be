import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TEST_DATA, temporaryDirectory, writeHeadOf } from '../../../packages/trainer/test/test-data.js';

const run = promisify(execFile);

/** Runs `maria-train` exactly as `pnpm maria-train` does, returning exit code and output instead of throwing. */
async function mariaTrain(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  try {
    const { stdout, stderr } = await run(tsx, ['--conditions=@maria-ts/source', join(REPO_ROOT, 'apps/train/src/bin.ts'), ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('maria-train (the command line)', () => {
  let scratch: string;
  let input: string;

  beforeAll(async () => {
    scratch = await temporaryDirectory('bin');
    input = await writeHeadOf('train/brown_corpus_plain.txt', 3000, join(scratch, 'brown.txt'));
  });

  it('corpus --json prints the manifest, and a second run reports it up to date', async () => {
    const out = join(scratch, 'shards');
    const first = await mariaTrain('corpus', '--input', input, '--out', out, '--seq-len', '32', '--json');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ upToDate: false, manifest: { sequenceLength: 32, tokenizer: { vocabSize: 8192 } } });
    expect(report.manifest.splits.train.sequences).toBeGreaterThan(0);
    const second = await mariaTrain('corpus', '--input', input, '--out', out, '--seq-len', '32', '--json');
    expect(JSON.parse(second.stdout).upToDate).toBe(true);
  });

  it('answers bad input with one line, a JSON error and a non-zero exit code', async () => {
    const [missing, badLength, gateWithoutHead] = await Promise.all([
      mariaTrain('corpus', '--input', join(scratch, 'missing.txt'), '--out', join(scratch, 'never'), '--json'),
      mariaTrain('corpus', '--input', input, '--seq-len', 'ten'),
      mariaTrain('head', '--ar', join(scratch, 'ar'), '--mlm', join(scratch, 'mlm'), '--gate-only', '--out', join(scratch, 'never-head')),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^error: invalid --input/);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'InvalidArgument' });
    expect(badLength.code).toBe(2);
    expect(badLength.stderr).toMatch(/--seq-len/);
    expect(gateWithoutHead.code).toBe(2);
    expect(gateWithoutHead.stderr.trim().split('\n')).toEqual(['error: invalid --gate-only: true (expected a trained head to fit the gate on: add --head <dir>)']);
  });

  it('corpus refuses a JSONL line without a string text field and an unknown extension: exit 2, one line naming the file', async () => {
    const jsonl = join(scratch, 'pages.jsonl');
    await writeFile(jsonl, '{"text": "Call me Ishmael."}\n{"body": "no text"}\n');
    const csv = join(scratch, 'pages.csv');
    await writeFile(csv, 'text\nCall me Ishmael.\n');
    const [badLine, badExtension] = await Promise.all([
      mariaTrain('corpus', '--input', jsonl, '--out', join(scratch, 'never-jsonl'), '--no-progress'),
      mariaTrain('corpus', '--input', csv, '--out', join(scratch, 'never-csv'), '--no-progress'),
    ]);
    expect(badLine.code).toBe(2);
    expect(badLine.stderr.trim().split('\n')).toHaveLength(1);
    expect(badLine.stderr).toContain(`--input ${jsonl} line 2`);
    expect(badExtension.code).toBe(2);
    expect(badExtension.stderr.trim().split('\n')).toHaveLength(1);
    expect(badExtension.stderr).toContain(csv);
  });

  it('tokenizer --json builds the 8192-id tokenizer and reports tokens per word', async () => {
    const evaluation = await writeHeadOf('eval/wikitext2_raw_test.txt', 5000, join(scratch, 'eval.txt'));
    const result = await mariaTrain('tokenizer', '--source', join(TEST_DATA, 'tokenizers', 'gpt2'), '--eval', evaluation, '--out', join(scratch, 'tok', 'tokenizer.json'), '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.tokenizer.vocabSize).toBe(8192);
    expect(report.evaluation.tokenizer.tokensPerWord).toBeGreaterThan(report.evaluation.source.tokensPerWord);
  });

  it('tokenizer without its data folder names the missing file and how to point elsewhere (exit 2)', async () => {
    const empty = await temporaryDirectory('no-data');
    const result = await mariaTrain('tokenizer', '--data-dir', empty, '--out', join(scratch, 'never', 'tokenizer.json'), '--json');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: invalid --source: "${join(empty, 'tokenizers', 'gpt2')}" (expected the GPT-2 tokenizer (a tokenizer.json or its folder) at tokenizers/gpt2 in the data folder; pass --source, or point --data-dir or $MARIA_DATA_DIR at a folder holding tokenizers/gpt2)`,
    ]);
  });

  it('an unknown flag is an argument error: exit 2, one line, and a JSON error with --json', async () => {
    const result = await mariaTrain('corpus', '--input', input, '--out', join(scratch, 'never'), '--seq-lenn', '32', '--json');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(["error: unknown option '--seq-lenn' (Did you mean --seq-len?)"]);
    expect(JSON.parse(result.stdout)).toEqual({ error: 'InvalidArgument', message: "unknown option '--seq-lenn' (Did you mean --seq-len?)", details: { code: 'commander.unknownOption' } });
  });
});
