import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveCheckpointDir } from '../head/resolve-checkpoint.js';
import { CheckpointStore } from './checkpoint-store.js';

let outDir: string;

beforeAll(async () => {
  await initEngine({ engine: 'wasm' });
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

/** A run folder with complete checkpoints at `steps` (latest.json pointing at the last). */
async function runWith(steps: readonly number[]): Promise<CheckpointStore> {
  outDir = await mkdtemp(path.join(tmpdir(), 'maria-checkpoint-store-'));
  const store = new CheckpointStore(outDir);
  const variable = tf.variable(tf.tensor1d([1, 2, 3]));
  try {
    for (const step of steps) await store.save(step, { variables: [variable], optimizer: { step, slots: {} }, meta: { options: {}, task: { toy: 1 } } }, 10);
  } finally {
    variable.dispose();
  }
  return store;
}

const latestFile = () => path.join(outDir, 'latest.json');
const stepDir = (step: number) => path.join(outDir, 'checkpoints', `step-${String(step).padStart(7, '0')}`);

describe('CheckpointStore.latest with a damaged latest.json', () => {
  it('follows an intact latest.json', async () => {
    const store = await runWith([3, 6]);
    expect(await store.latest()).toEqual({ step: 6, dir: stepDir(6) });
  });

  it.each([
    ['not JSON', '{"step": 6, "dir": "checkp', /is damaged \(not valid JSON\)/],
    ['empty', '', /is damaged \(not valid JSON\)/],
    ['without a dir', '{"step": 6}', /is damaged \(expected \{"step": <integer>, "dir": <string>\}\)/],
    ['naming a missing checkpoint', '{"step": 9, "dir": "checkpoints/step-0000009"}', /names "checkpoints\/step-0000009", which is not a complete checkpoint/],
  ])('%s: resumes from the newest complete checkpoint and says so, naming the file', async (_name, text, problem) => {
    const store = await runWith([3, 6]);
    await writeFile(latestFile(), text);
    const warnings: string[] = [];
    expect(await store.latest((line) => warnings.push(line))).toEqual({ step: 6, dir: stepDir(6) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(latestFile());
    expect(warnings[0]).toMatch(problem);
    expect(warnings[0]).toContain(`resuming from the newest complete checkpoint, ${stepDir(6)}`);
  });

  it('skips a newest checkpoint that is incomplete', async () => {
    const store = await runWith([3, 6]);
    await rm(path.join(stepDir(6), 'trainer-state.safetensors'));
    await writeFile(latestFile(), '{"step":');
    const warnings: string[] = [];
    expect(await store.latest((line) => warnings.push(line))).toEqual({ step: 3, dir: stepDir(3) });
    expect(warnings).toHaveLength(1);
  });

  it('is a CheckpointError naming latest.json when no complete checkpoint is left', async () => {
    const store = await runWith([3]);
    await rm(path.join(stepDir(3), 'trainer-state.json'));
    await writeFile(latestFile(), 'garbage');
    const failure = await store.latest().then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );
    expect(CheckpointError.isInstance(failure), String(failure)).toBe(true);
    expect(failure.message).toBe(`${latestFile()}: is damaged (not valid JSON), and there is no complete checkpoint to resume from instead`);
  });

  it('is null (a fresh run) without latest.json', async () => {
    const store = await runWith([]);
    expect(await store.latest()).toBeNull();
  });
});

describe('resolveCheckpointDir on a run folder with a damaged latest.json', () => {
  it('picks the newest complete checkpoint and warns, naming the file', async () => {
    await runWith([3, 6]);
    for (const step of [3, 6]) await writeFile(path.join(stepDir(step), 'config.json'), '{}');
    await writeFile(latestFile(), '{"step": 6, "dir": ');
    const warnings: string[] = [];
    expect(await resolveCheckpointDir(outDir, (line) => warnings.push(line))).toBe(stepDir(6));
    expect(warnings).toEqual([`${latestFile()}: is damaged (not valid JSON); resuming from the newest complete checkpoint, ${stepDir(6)}`]);
  });
});
