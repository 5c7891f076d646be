import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng } from '@maria-ts/core';
import { FractionGate, type LinearFusionHead, loadFractionGate, loadMariaModel, MariaModel, readFusionHeadConfig } from '@maria-ts/fusion-head';
import { betaMaskSampler } from '@maria-ts/masking';
import { TEST_DATA, TINY_TOKENIZER, temporaryDirectory, writeHeadOf } from '../../../../packages/trainer/test/test-data.js';
import { buildCorpus, openShards, type TokenShards, MetricsLog, headTrainingTask, initialHead, type BackbonePair, loadBackbonePair, type LearningCurve, trainHead, type TrainHeadOptions } from '@maria-ts/trainer';

import { runTrainCommand, writeRandomBackbones } from './head.test-support.js';




let scratch: string;
let corpus: string;
let backbones: { ar: string; mlm: string };
let shards: TokenShards;
let pair: BackbonePair;

const trainer = { steps: 8, accumulation: 2, learningRate: 3e-2, warmupSteps: 1, checkpointEvery: 3, evalEvery: 4, evalBatches: 3, seed: 7, weightDecay: 0 };
const options = (out: string, extra: Partial<TrainHeadOptions> = {}): TrainHeadOptions => ({ out, trainer, batch: 4, init: 'poe', progress: false, ...extra });
const headValues = (head: LinearFusionHead) => Object.values(head.variables()).map((variable) => Array.from(variable.dataSync()));

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  scratch = await temporaryDirectory('head');
  // Brown read as one short document per line, so a 20% validation split gets many of them.
  const text = await writeHeadOf('train/brown_corpus_plain.txt', 24000, path.join(scratch, 'brown.txt'));
  corpus = path.join(scratch, 'corpus');
  const built = await buildCorpus({ inputs: [text], out: corpus, tokenizer: TINY_TOKENIZER, sequenceLength: 16, sequencesPerShard: 64, validationFraction: 0.2, seed: 1, format: 'lines' });
  expect(built.manifest.splits.val.sequences).toBeGreaterThanOrEqual(12);
  backbones = await writeRandomBackbones(path.join(scratch, 'backbones'), 8);
  shards = await openShards(corpus, { tokenizer: TINY_TOKENIZER });
  pair = await loadBackbonePair(backbones, TINY_TOKENIZER);
});
afterAll(() => {
  pair.dispose();
  shards.close();
});

describe('head training', () => {
  it('lowers the validation loss, runs the backbones outside every gradient scope, and leaks nothing', async () => {
    const depths: number[] = [];
    for (const backbone of [pair.ar, pair.mlm]) {
      const forward = backbone.forward.bind(backbone);
      backbone.forward = (ids, forwardOptions) => {
        depths.push((tf.engine().state as unknown as { gradientDepth: number }).gradientDepth);
        return forward(ids, forwardOptions);
      };
    }
    const head = await initialHead(pair, { init: 'poe', seed: 0 });
    const before = tf.memory().numTensors;
    const result = await trainHead(pair, head, shards, options(path.join(scratch, 'learn'), { trainer: { ...trainer, steps: 16, evalEvery: 16, checkpointEvery: 16 } }));
    expect(tf.memory().numTensors).toBe(before);
    for (const backbone of [pair.ar, pair.mlm]) delete (backbone as { forward?: unknown }).forward;
    expect(depths.length).toBeGreaterThan(0);
    expect(depths.every((depth) => depth === 0)).toBe(true);
    expect(result.initialValidationLoss).not.toBeNull();
    expect(result.lastValidationLoss!).toBeLessThan(result.initialValidationLoss! - 0.5);
    expect(result.tokensPerSecond).toBeGreaterThan(0);
    head.dispose();
  });

  it('resumes after an interruption with exactly the losses and weights of an uninterrupted run', async () => {
    const straightHead = await initialHead(pair, { init: 'random', seed: 3 });
    await trainHead(pair, straightHead, shards, options(path.join(scratch, 'straight'), { init: 'random' }));
    const straight = await new MetricsLog(path.join(scratch, 'straight', 'metrics.jsonl')).read();

    const dir = path.join(scratch, 'resumed');
    const first = await initialHead(pair, { init: 'random', seed: 3 });
    const partial = await trainHead(pair, first, shards, options(dir, { init: 'random', stopAfter: 5 }));
    expect(partial.finalStep).toBe(5);
    first.dispose();
    // A new process would rebuild the head from its init; resume then overwrites it from step 3.
    const second = await initialHead(pair, { init: 'random', seed: 3 });
    const resumed = await trainHead(pair, second, shards, options(dir, { init: 'random', resume: true }));
    expect(resumed.resumedFrom).toBe(3);
    const strip = (records: typeof straight) => records.map(({ elapsedSeconds: _e, tokensPerSecond: _t, ...rest }) => rest);
    expect(strip(resumed.metrics)).toEqual(strip(straight));
    expect(headValues(second)).toEqual(headValues(straightHead));
    expect(await readdir(path.join(dir, 'checkpoints'))).toEqual(['step-0000006', 'step-0000008']);
    // Every checkpoint is also a head directory recorded for these backbones.
    expect((await readFusionHeadConfig(path.join(dir, 'checkpoints', 'step-0000008'))).ar.contentHash).toBe(pair.ar.info.contentHash);
    const changed = trainHead(pair, second, shards, options(dir, { init: 'poe', resume: true }));
    await expect(changed).rejects.toThrow(/different task/);
    const otherMasking = trainHead(pair, second, shards, options(dir, { init: 'random', resume: true, masking: { alpha: 1, beta: 1 } }));
    await expect(otherMasking).rejects.toThrow(/different task/);
    straightHead.dispose();
    second.dispose();
  });
});

describe('head regularisation and validation', () => {
  it('--decay-to-init: weight decay holds W3 at the PoE init where decay toward 0 erases it', async () => {
    // lr·λ = 1 at a constant rate: each step sets W3 to the decay target minus one Adam update (a few lr at most).
    const strong = { ...trainer, steps: 2, accumulation: 1, learningRate: 1e-3, weightDecay: 1000, warmupSteps: 0, finalLearningRateRatio: 1, evalEvery: 2, checkpointEvery: 2, evalBatches: 1 };
    const init = await initialHead(pair, { init: 'poe', seed: 0 });
    const [initAr, initMlm] = headValues(init);
    const maxAbs = (values: readonly unknown[], minus?: readonly unknown[]) => values.reduce<number>((max, v, i) => Math.max(max, Math.abs((v as number) - ((minus?.[i] as number | undefined) ?? 0))), 0);
    expect(Math.min(maxAbs(initAr!), maxAbs(initMlm!))).toBeGreaterThan(0.02);
    const anchored = await initialHead(pair, { init: 'poe', seed: 0 });
    await trainHead(pair, anchored, shards, options(path.join(scratch, 'decay-init'), { trainer: strong, decayToInit: true }));
    const towardZero = await initialHead(pair, { init: 'poe', seed: 0 });
    await trainHead(pair, towardZero, shards, options(path.join(scratch, 'decay-zero'), { trainer: strong }));
    const [anchoredAr, anchoredMlm] = headValues(anchored);
    const [zeroAr, zeroMlm] = headValues(towardZero);
    expect(Math.max(maxAbs(anchoredAr!, initAr), maxAbs(anchoredMlm!, initMlm))).toBeLessThan(5e-3);
    expect(Math.max(maxAbs(zeroAr!), maxAbs(zeroMlm!))).toBeLessThan(5e-3);
    for (const head of [init, anchored, towardZero]) head.dispose();
  });

  it('validates on another corpus, writes the learning curve, and stops early keeping the best head', async () => {
    const otherText = await writeHeadOf('train/moby_dick.txt', 6000, path.join(scratch, 'moby.txt'));
    const otherCorpus = path.join(scratch, 'other-corpus');
    await buildCorpus({ inputs: [otherText], out: otherCorpus, tokenizer: TINY_TOKENIZER, sequenceLength: 16, sequencesPerShard: 64, validationFraction: 0, seed: 1 });
    const other = await openShards(otherCorpus, { tokenizer: TINY_TOKENIZER });
    try {
      const plainHead = await initialHead(pair, { init: 'poe', seed: 0 });
      const plain = await trainHead(pair, plainHead, shards, options(path.join(scratch, 'in-domain'), { trainer: { ...trainer, steps: 1, warmupSteps: 0, evalEvery: 1, evalBatches: 1, accumulation: 1 } }));
      const head = await initialHead(pair, { init: 'poe', seed: 0 });
      const out = path.join(scratch, 'other-validation');
      const result = await trainHead(pair, head, shards, options(out, { trainer: { ...trainer, steps: 6, evalEvery: 1, evalBatches: 1, accumulation: 1, learningRate: 0.3 }, validationShards: other, patience: 2 }));
      expect(result.initialValidationLoss).not.toBe(plain.initialValidationLoss);
      const curve = JSON.parse(await readFile(path.join(out, 'learning-curve.json'), 'utf8')) as LearningCurve;
      const validation = result.metrics.filter((r) => r.validationLoss !== undefined);
      expect(curve.tokensPerStep).toBe(4 * 16);
      expect(curve.validation).toEqual(validation.map((r) => ({ step: r.step, tokens: r.step * 64, loss: r.validationLoss })));
      expect(curve.train.map((point) => point.step)).toEqual(Array.from({ length: result.finalStep }, (_, i) => i + 1));
      const lowest = Math.min(...curve.validation.map((point) => point.loss));
      expect(curve.best?.loss).toBe(lowest);
      expect(curve.stoppedEarly).toBe(result.stoppedEarly);
      if (result.stoppedEarly) expect(result.finalStep).toBe(curve.best!.step + 2);
      // The head left in place is the best one, also saved under best/.
      const bestHead = await readFusionHeadConfig(path.join(out, 'best', 'checkpoints', `step-${String(curve.best!.step).padStart(7, '0')}`));
      expect(bestHead.ar.contentHash).toBe(pair.ar.info.contentHash);
      plainHead.dispose();
      head.dispose();
    } finally {
      other.close();
    }
  });
});

describe('fraction gate (opt-in)', () => {
  it('trains the gate with the head, saves it beside each checkpoint\'s head, and is part of the task', async () => {
    const head = await initialHead(pair, { init: 'poe', seed: 0 });
    const gate = new FractionGate();
    const out = path.join(scratch, 'gated');
    const gated = { ...trainer, steps: 2, accumulation: 1, warmupSteps: 0, evalEvery: 2, checkpointEvery: 2, evalBatches: 1 };
    await trainHead(pair, head, shards, options(out, { trainer: gated, gate }));
    const values = gate.values();
    for (const name of ['offset', 'slope', 'arOffset', 'arSlope'] as const) expect(values[name]).not.toBe(0);
    const saved = await loadFractionGate(path.join(out, 'checkpoints', 'step-0000002'));
    expect(saved?.values()).toEqual(values);
    // A plain head run in the same folder is another task.
    await expect(trainHead(pair, head, shards, options(out, { trainer: gated, resume: true }))).rejects.toThrow(/different task/);
    saved?.dispose();
    gate.dispose();
    head.dispose();
  });
  it('with gateOnly fits the gate alone: the head is bit-identical afterwards and saved unchanged beside the gate', async () => {
    const head = await initialHead(pair, { init: 'poe', seed: 0 });
    const before = headValues(head);
    const gate = new FractionGate();
    const out = path.join(scratch, 'gate-only');
    const gated = { ...trainer, steps: 2, accumulation: 1, warmupSteps: 0, evalEvery: 2, checkpointEvery: 2, evalBatches: 1, weightDecay: 0.5 };
    await trainHead(pair, head, shards, options(out, { trainer: gated, gate, gateOnly: true, from: 'a trained head' }));
    expect(headValues(head)).toEqual(before);
    const values = gate.values();
    for (const name of ['offset', 'slope', 'arOffset', 'arSlope'] as const) expect(values[name]).not.toBe(0);
    const checkpoint = path.join(out, 'checkpoints', 'step-0000002');
    const saved = await loadFractionGate(checkpoint);
    expect(saved?.values()).toEqual(values);
    const savedHead = await initialHead(pair, { init: 'poe', seed: 0, from: checkpoint });
    expect(headValues(savedHead)).toEqual(before);
    await expect(trainHead(pair, head, shards, options(path.join(scratch, 'gate-only-2'), { trainer: gated, gateOnly: true, from: 'x' }))).rejects.toThrow(/fraction gate/);
    await expect(trainHead(pair, head, shards, options(path.join(scratch, 'gate-only-3'), { trainer: gated, gate, gateOnly: true }))).rejects.toThrow(/--head/);
    await expect(trainHead(pair, head, shards, options(path.join(scratch, 'gate-only-4'), { trainer: gated, gate, gateOnly: true, from: 'x', decayToInit: true }))).rejects.toThrow(/decay/);
    saved?.dispose();
    savedHead.dispose();
    gate.dispose();
    head.dispose();
  });
});

describe('head masking rates', () => {
  it('masks at the rates its Beta(α, β) says: the default about half, Beta(40, 1) nearly all', async () => {
    const head = await initialHead(pair, { init: 'poe', seed: 0 });
    const model = new MariaModel({ ar: pair.ar, mlm: pair.mlm, head, tokenizer: pair.tokenizer });
    const rows = 64;
    const length = 16;
    const ids = Int32Array.from({ length: rows * length }, (_, i) => 100 + (i % 500));
    const maskedFraction = (sampler?: ReturnType<typeof betaMaskSampler>) => {
      const features = headTrainingTask(model, sampler ? { sampler } : {}).prepare!({ ids, batch: rows, length }, new Rng(5));
      const count = features.targets.shape[0];
      tf.dispose([features.hAR, features.hMLM, features.targets, ...(features.fractions ? [features.fractions] : [])]);
      return count / (rows * length);
    };
    // Beta(2.5, 2.5) has mean 0.5; Beta(40, 1) has mean 40/41 ≈ 0.976; 1,024 positions each.
    expect(maskedFraction()).toBeGreaterThan(0.4);
    expect(maskedFraction()).toBeLessThan(0.6);
    expect(maskedFraction(betaMaskSampler({ alpha: 40, beta: 1 }))).toBeGreaterThan(0.93);
    head.dispose();
  });
});

describe('maria-train head (command)', () => {
  it('trains, writes metrics and a chart, and exports a loadable MARIA directory in F16 (with the diffusion encoder given)', async () => {
    const out = path.join(scratch, 'cli');
    const exported = path.join(scratch, 'maria');
    const result = await runTrainCommand(
      'head', '--ar', backbones.ar, '--mlm', backbones.mlm, '--diffusion', backbones.mlm, '--data', corpus, '--tokenizer', TINY_TOKENIZER, '--out', out,
      '--steps', '4', '--batch', '4', '--warmup', '1', '--lr', '1e-2', '--eval-every', '2', '--eval-batches', '2', '--export', exported, '--dtype', 'F16', '--engine', 'wasm', '--threads', '1', '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ finalStep: 4, resumedFrom: null, init: 'poe', export: exported });
    const records = await new MetricsLog(path.join(out, 'metrics.jsonl')).read();
    expect(records.filter((record) => record.validationLoss !== undefined).map((record) => record.step)).toEqual([0, 2, 4]);
    expect((await readFile(path.join(out, 'loss.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    const config = await readFusionHeadConfig(path.join(exported, 'head'));
    expect(config).toMatchObject({ dtype: 'F16', init: 'product-of-experts', training: { objective: 'maria-head', steps: 4 } });
    const model = await loadMariaModel(exported);
    expect(model.vocabSize).toBe(8192);
    expect(model.diffusion?.info.contentHash).toBe(model.mlm.info.contentHash);
    model.dispose();

    // Fine-tuning that head on other masking rates (over the exported F16 backbones it was
    // recorded for): the summary says so.
    const tuned = path.join(scratch, 'cli-tuned');
    const fineTune = await runTrainCommand(
      'head', '--ar', path.join(exported, 'ar'), '--mlm', path.join(exported, 'mlm'), '--head', path.join(exported, 'head'), '--mask-alpha', '4', '--mask-beta', '1', '--data', corpus, '--tokenizer', TINY_TOKENIZER,
      '--out', tuned, '--steps', '2', '--batch', '4', '--warmup', '0', '--eval-every', '2', '--eval-batches', '1', '--engine', 'wasm', '--threads', '1', '--json',
    );
    expect(fineTune.stderr).toBe('');
    expect(JSON.parse(fineTune.stdout)).toMatchObject({ finalStep: 2, init: 'head', from: path.join(exported, 'head'), masking: { kind: 'beta', alpha: 4, beta: 1 } });
    // Refused while the flags are parsed (the bin prints it as one `error:` line).
    await expect(runTrainCommand('head', '--ar', backbones.ar, '--mlm', backbones.mlm, '--mask-alpha', '0', '--out', path.join(scratch, 'never'))).rejects.toThrow(
      'invalid --mask-alpha: "0" (expected a number in [0.001, 1000])',
    );
  });

  it('--preset paper trains at lr 5e-5 with an effective batch of 32, and explicit flags override it', async () => {
    const result = await runTrainCommand(
      'head', '--ar', backbones.ar, '--mlm', backbones.mlm, '--data', corpus, '--tokenizer', TINY_TOKENIZER, '--out', path.join(scratch, 'paper'),
      '--preset', 'paper', '--batch', '4', '--mask-alpha', '4', '--steps', '1', '--warmup', '0', '--eval-every', '1', '--eval-batches', '1', '--engine', 'wasm', '--threads', '1', '--json',
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ finalStep: 1, preset: 'paper', learningRate: 5e-5, batch: 4, accumulation: 8, masking: { kind: 'beta', alpha: 4, beta: 2.5 } });
    const records = await new MetricsLog(path.join(scratch, 'paper', 'metrics.jsonl')).read();
    const step = records.find((record) => record.loss !== undefined);
    expect(step).toMatchObject({ step: 1, learningRate: 5e-5, tokens: 32 * 16 });
  });

  it('refuses a corpus made with another tokenizer or a missing checkpoint in one line', async () => {
    const quiet = ['--engine', 'wasm', '--threads', '1', '--json'];
    const missing = await runTrainCommand('head', '--ar', path.join(scratch, 'nope'), '--mlm', backbones.mlm, '--data', corpus, '--tokenizer', TINY_TOKENIZER, '--out', path.join(scratch, 'never'), ...quiet);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: 'Checkpoint' });
    const gpt2 = path.join(TEST_DATA, 'tokenizers', 'gpt2', 'tokenizer.json');
    const otherTokenizer = await runTrainCommand('head', '--ar', backbones.ar, '--mlm', backbones.mlm, '--data', corpus, '--tokenizer', gpt2, '--out', path.join(scratch, 'never'), ...quiet);
    expect(otherTokenizer.code).toBe(1);
    expect(otherTokenizer.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(otherTokenizer.stdout)).toMatchObject({ error: 'TokenizerMismatch' });
  });
});
