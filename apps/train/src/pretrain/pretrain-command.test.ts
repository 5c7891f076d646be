import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TINY_TOKENIZER, temporaryDirectory, writeHeadOf } from '../../../../packages/trainer/test/test-data.js';

const run = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const BIN = join(REPO_ROOT, 'apps/train/src/bin.ts');
const command = (...args: string[]) => [TSX, ['--conditions=@maria-ts/source', BIN, ...args]] as const;

async function mariaTrain(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, argv] = command(...args);
  try {
    const { stdout, stderr } = await run(file, argv, { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The last logged training loss of every step in a run folder's metrics.jsonl. */
async function lossesByStep(runDir: string): Promise<Map<number, number>> {
  const losses = new Map<number, number>();
  for (const line of (await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { step: number; loss?: number };
    if (record.loss !== undefined) losses.set(record.step, record.loss);
  }
  return losses;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('maria-train pretrain (the command line)', () => {
  let scratch: string;
  let shards: string;
  let config: string;
  const STEPS = 30;
  const common = () => ['--data', shards, '--tokenizer', TINY_TOKENIZER, '--config', config, '--objective', 'ar', '--steps', String(STEPS), '--batch', '2', '--warmup', '2', '--checkpoint-every', '3', '--eval-every', '10', '--eval-batches', '1', '--threads', '1', '--no-progress', '--json'];

  beforeAll(async () => {
    scratch = await temporaryDirectory('pretrain');
    const input = await writeHeadOf('train/brown_corpus_plain.txt', 20000, join(scratch, 'brown.txt'));
    shards = join(scratch, 'shards');
    const built = await mariaTrain('corpus', '--input', input, '--out', shards, '--seq-len', '32', '--tokenizer', TINY_TOKENIZER, '--json');
    expect(built.code).toBe(0);
    config = join(scratch, 'config.json');
    await writeFile(config, JSON.stringify({
      model_type: 'llama', hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 32,
      rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: false, initializer_range: 0.02, max_position_embeddings: 64,
    }));
  }, 120_000);

  it('a run killed with SIGKILL resumes to exactly the losses of an uninterrupted run', async () => {
    const straight = join(scratch, 'straight');
    const uninterrupted = await mariaTrain('pretrain', ...common(), '--out', straight);
    expect(uninterrupted.code).toBe(0);
    expect(JSON.parse(uninterrupted.stdout)).toMatchObject({ objective: 'ar' });

    const killed = join(scratch, 'killed');
    const [file, argv] = command('pretrain', ...common(), '--out', killed);
    const child = spawn(file, argv, { cwd: REPO_ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let killedAt = -1;
    for (let waited = 0; waited < 60_000 && killedAt < 0; waited += 25) {
      const latest = await readFile(join(killed, 'latest.json'), 'utf8').then((text) => JSON.parse(text) as { step: number }, () => null);
      if (latest && latest.step >= 6) {
        child.kill('SIGKILL');
        killedAt = latest.step;
      }
      await sleep(25);
    }
    expect(await exited).not.toBe(0);
    expect(killedAt).toBeGreaterThanOrEqual(6);
    expect(killedAt).toBeLessThan(STEPS);

    const resumed = await mariaTrain('pretrain', ...common(), '--out', killed, '--resume');
    expect(resumed.code).toBe(0);
    const expected = await lossesByStep(straight);
    const actual = await lossesByStep(killed);
    expect(actual.size).toBe(STEPS);
    for (const [step, loss] of expected) expect(actual.get(step), `step ${step}`).toBe(loss);
  }, 240_000);

  it('--init-from starts from a checkpoint and refuses one of another family', async () => {
    const latest = JSON.parse(await readFile(join(scratch, 'straight', 'latest.json'), 'utf8')) as { dir: string };
    const from = join(scratch, 'straight', latest.dir);
    const continued = await mariaTrain('pretrain', ...common(), '--steps', '3', '--out', join(scratch, 'continued'), '--init-from', from);
    expect(continued.code).toBe(0);
    const first = (await lossesByStep(join(scratch, 'continued'))).get(1) as number;
    const fresh = (await lossesByStep(join(scratch, 'straight'))).get(1) as number;
    expect(first).toBeLessThan(fresh);
    const encoderConfig = join(scratch, 'encoder.json');
    await writeFile(encoderConfig, JSON.stringify({ model_type: 'modernbert', hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32 }));
    const wrong = await mariaTrain('pretrain', ...common(), '--config', encoderConfig, '--objective', 'mlm', '--out', join(scratch, 'never'), '--init-from', from);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/holds a llama checkpoint, but this run trains modernbert/);
  }, 240_000);
});
