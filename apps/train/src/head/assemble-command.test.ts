import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose } from '@maria-ts/core/testing';
import { loadMariaModel, readFusionHeadConfig } from '@maria-ts/fusion-head';
import { TINY_TOKENIZER } from '../../../../packages/trainer/test/test-data.js';
import { runTrainCommand, writeRandomBackbones } from './head.test-support.js';

let root: string;
let backbones: { ar: string; mlm: string };
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'maria-assemble-'));
  backbones = await writeRandomBackbones(path.join(root, 'ckpt'), 4);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('maria-train assemble', () => {
  it('writes a loadable MARIA directory with a PoE head: logits are the mean of both experts', async () => {
    const out = path.join(root, 'maria');
    const result = await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--tokenizer', TINY_TOKENIZER, '--out', out, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ out, dtype: 'F32', head: 'init poe' });
    expect((await readFusionHeadConfig(path.join(out, 'head'))).init).toBe('product-of-experts');
    const model = await loadMariaModel(out);
    try {
      const ids = tf.tensor2d([[40, 310, 72, 900]], undefined, 'int32');
      const masked = tf.tensor2d([[40, 8190, 72, 8190]], undefined, 'int32');
      const head = model.logitsAt(model.alignedStates(ids, masked), [1, 3]);
      const ar = model.ar.forward(tf.tensor2d([[8189, 40, 310, 72]], undefined, 'int32'), { returnLogits: true }).logits!;
      const mlm = model.mlm.forward(masked, { returnLogits: true }).logits!;
      const expected = tf.tidy(() => tf.div(tf.add(tf.gather(ar.reshape([4, -1]), [1, 3]), tf.gather(mlm.reshape([4, -1]), [1, 3])), 2));
      expectTensorClose(head, expected, { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([ids, masked, head, ar, mlm, expected]);
    } finally {
      model.dispose();
    }
  });

  it('refuses a head trained for other backbones, in one line', async () => {
    const other = await writeRandomBackbones(path.join(root, 'other'), 5);
    const source = path.join(root, 'source');
    expect((await runTrainCommand('assemble', '--ar', other.ar, '--mlm', other.mlm, '--tokenizer', TINY_TOKENIZER, '--out', source, '--init', 'random')).code).toBe(0);
    const refused = await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--head', path.join(source, 'head'), '--tokenizer', TINY_TOKENIZER, '--out', path.join(root, 'never'), '--json');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: 'BackboneMismatch' });
  });

  it('keeps the training record of a head it copies', async () => {
    const source = path.join(root, 'trained');
    expect((await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--tokenizer', TINY_TOKENIZER, '--out', source)).code).toBe(0);
    const headConfigFile = path.join(source, 'head', 'config.json');
    const training = { objective: 'maria-head', steps: 7, learningRate: 0.001 };
    await writeFile(headConfigFile, JSON.stringify({ ...JSON.parse(await readFile(headConfigFile, 'utf8')), training }));
    const out = path.join(root, 'copied');
    expect((await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--head', path.join(source, 'head'), '--tokenizer', TINY_TOKENIZER, '--out', out)).code).toBe(0);
    expect((await readFusionHeadConfig(path.join(out, 'head'))).training).toEqual(training);
    expect(JSON.parse((await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--head', path.join(source, 'head'), '--tokenizer', TINY_TOKENIZER, '--out', out, '--json')).stdout)).toMatchObject({ fractionGate: null });
    // and its fraction gate, which a gated load then uses
    const gate = { format: 'maria-fraction-gate', offset: 0.5, slope: -2, arOffset: 0.25, arSlope: 0.5 };
    await writeFile(path.join(source, 'head', 'fraction-gate.json'), JSON.stringify(gate));
    const gated = path.join(root, 'copied-gated');
    const result = await runTrainCommand('assemble', '--ar', backbones.ar, '--mlm', backbones.mlm, '--head', path.join(source, 'head'), '--tokenizer', TINY_TOKENIZER, '--out', gated, '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ fractionGate: 'fraction-gate.json' });
    const model = await loadMariaModel(gated, { fractionGate: true });
    expect(model.gate?.values()).toEqual({ offset: 0.5, slope: -2, arOffset: 0.25, arSlope: 0.5 });
    model.dispose();
  });

  it('refuses an MLM given as --ar', async () => {
    const refused = await runTrainCommand('assemble', '--ar', backbones.mlm, '--mlm', backbones.mlm, '--tokenizer', TINY_TOKENIZER, '--out', path.join(root, 'never'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--ar must be a causal \(AR\) checkpoint/);
  });
});
