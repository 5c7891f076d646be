import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { expectTensorClose } from '@maria-ts/core/testing';
import { loadBackbone, readCheckpointWeights } from '@maria-ts/backbones';
import { runTrainCommand, writeRandomBackbones } from '../head/head.test-support.js';

let root: string;
let backbones: { ar: string; mlm: string };
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'maria-tie-'));
  backbones = await writeRandomBackbones(path.join(root, 'ckpt'), 7);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('maria-train tie-embeddings', () => {
  it('writes a tied checkpoint whose one matrix is the chosen mix, and the loader uses it for both roles', async () => {
    const source = await readCheckpointWeights(backbones.ar);
    const input = source.get('model.embed_tokens.weight')!;
    const output = source.get('lm_head.weight')!;
    for (const init of ['input', 'output', 'mean'] as const) {
      const out = path.join(root, `tied-${init}`);
      const result = await runTrainCommand('tie-embeddings', '--from', backbones.ar, '--out', out, '--init', init, '--json');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ init, modelType: 'llama', parametersSaved: output.data.length });
      expect(JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')).tie_word_embeddings).toBe(true);
      const tensors = await readCheckpointWeights(out);
      expect(tensors.has('lm_head.weight')).toBe(false);
      const expected = Float32Array.from(input.data, (value, index) => (init === 'input' ? value : init === 'output' ? output.data[index]! : (value + output.data[index]!) / 2));
      expectTensorClose(tf.tensor(tensors.get('model.embed_tokens.weight')!.data), tf.tensor(expected), { atol: 0, rtol: 0 });
      // Loaded back: the logits are the last hidden state times the tied matrix.
      const backbone = await loadBackbone(out);
      try {
        const ids = tf.tensor2d([[3, 41, 200, 7]], undefined, 'int32');
        const { hidden, logits } = backbone.forward(ids, { returnLogits: true });
        const matrix = tf.tensor2d(expected, input.shape as [number, number]);
        const direct = tf.tidy(() => tf.matMul(hidden.reshape([4, -1]), matrix, false, true));
        expectTensorClose(logits!.reshape([4, -1]), direct, { atol: 1e-5, rtol: 1e-5 });
        tf.dispose([ids, hidden, logits!, matrix, direct]);
      } finally {
        backbone.dispose();
      }
    }
  });

  it('refuses what it cannot tie with one typed line', async () => {
    const tied = path.join(root, 'tied-input');
    const again = await runTrainCommand('tie-embeddings', '--from', tied, '--out', path.join(root, 'again'), '--json');
    expect(again.code).not.toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: 'Checkpoint' });
    expect(JSON.parse(again.stdout).message).toMatch(/already tied/);
    const encoder = await runTrainCommand('tie-embeddings', '--from', backbones.mlm, '--out', path.join(root, 'enc'), '--json');
    expect(JSON.parse(encoder.stdout).message).toMatch(/modernbert/);
    await expect(runTrainCommand('tie-embeddings', '--from', backbones.ar, '--out', path.join(root, 'x'), '--init', 'sum')).rejects.toThrow(/--init.*input \| output \| mean/);
    const sameDir = await runTrainCommand('tie-embeddings', '--from', backbones.ar, '--out', backbones.ar, '--json');
    expect(JSON.parse(sameDir.stdout)).toMatchObject({ error: 'InvalidArgument' });
  });
});
