import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { loadMariaModel } from '@maria-ts/fusion-head';
import { permuteTokenizerIds } from '@maria-ts/fusion-head/testing';
import { runTrainCommand, tinyTokenizer, writeRandomBackbones } from './head.test-support.js';

let root: string;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  root = await mkdtemp(path.join(tmpdir(), 'maria-assemble-permuted-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('maria-train assemble with an MLM whose tokenizer holds the same tokens at permuted ids', () => {
  it("gathers the MLM half through the vocabulary map, and the directory loads with the map recomputed from both tokenizers", async () => {
    const paths = await writeRandomBackbones(root, 4);
    const mlmTokenizer = permuteTokenizerIds(await tinyTokenizer(), [[40, 900], [310, 72]]);
    await writeFile(path.join(paths.mlm, 'tokenizer.json'), JSON.stringify(mlmTokenizer.json));
    const out = path.join(root, 'maria');
    const result = await runTrainCommand('assemble', '--ar', paths.ar, '--mlm', paths.mlm, '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const model = await loadMariaModel(out);
    try {
      expect(model.vocabularyMap.identity).toBe(false);
      expect([model.vocabularyMap.toOther[40], model.vocabularyMap.toOther[72], model.vocabularyMap.toOther[41]]).toEqual([900, 310, 41]);
      // Head column 40 is half the MLM's decoder row 900 (the same token), not its row 40.
      const [column, row900, row40] = tf.tidy(() => {
        const weight = model.mlm.outputProjection().weight;
        return [
          model.head.variables().mlmWeight.slice([0, 40], [-1, 1]).reshape([-1]),
          tf.mul(weight.slice([900, 0], [1, -1]).reshape([-1]), 0.5),
          tf.mul(weight.slice([40, 0], [1, -1]).reshape([-1]), 0.5),
        ];
      });
      expect(Array.from((column as tf.Tensor).dataSync())).toEqual(Array.from((row900 as tf.Tensor).dataSync()));
      expect(Array.from((column as tf.Tensor).dataSync())).not.toEqual(Array.from((row40 as tf.Tensor).dataSync()));
      tf.dispose([column as tf.Tensor, row900 as tf.Tensor, row40 as tf.Tensor]);
    } finally {
      model.dispose();
    }
  });
});
