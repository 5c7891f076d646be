import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type MariaError } from '@maria-ts/core';
import { loadTokenizer } from '@maria-ts/backbones';
import { expectTensorClose } from '@maria-ts/core/testing';
import { MariaModel, productOfExpertsHead, saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY_MARIA_DIR, TinyMariaMissingError, hasTinyMaria, loadMariaOrTiny, loadTinyMaria } from './tiny-maria.js';

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

describe('loadTinyMaria', () => {
  it('loads the embedded MARIA (tokenizer, AR, MLM, trained head) in one call', async () => {
    expect(await hasTinyMaria()).toBe(true);
    const model = await loadTinyMaria({ skipDiffusion: true });
    try {
      expect(model.vocabSize).toBe(8192);
      expect(model.maskTokenId).toBe(8190);
      expect(model.ar.bosTokenId).toBe(8189);
    } finally {
      model.dispose();
    }
  });

  it('says in one typed line where the weights should be when they are missing', async () => {
    const error: unknown = new TinyMariaMissingError(TINY_MARIA_DIR);
    expect(TinyMariaMissingError.isInstance(error)).toBe(true);
    expect((error as MariaError).message).toContain(TINY_MARIA_DIR);
    expect((error as MariaError).message).not.toContain('\n');
  });
});

describe('loadMariaOrTiny', () => {
  it('loads the given MARIA directory, and the embedded model (or its typed error) without one', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'maria-or-tiny-'));
    const saved = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 3, hiddenSize: 16, numLayers: 1, withDiffusion: true });
    try {
      await saveMariaModel(saved, root);
      const loaded = await loadMariaOrTiny(root, { skipDiffusion: true });
      try {
        expect(loaded.ar.info.hiddenSize).toBe(16);
        expect(loaded.diffusion).toBeUndefined();
      } finally {
        loaded.dispose();
      }
    } finally {
      saved.dispose();
      await rm(root, { recursive: true, force: true });
    }
    const tiny = await loadMariaOrTiny(undefined, { skipDiffusion: true }).then(
      (model) => (model.dispose(), 'loaded'),
      (caught: unknown) => (TinyMariaMissingError.isInstance(caught) ? 'missing' : caught),
    );
    expect(tiny).toBe('loaded');
  });
});

describe('the embedded backbones', () => {
  it('a fresh PoE head on them gives (AR logits + MLM logits)/2 to 1e-5', async () => {
    const model = await loadTinyMaria({ skipDiffusion: true });
    const poe = new MariaModel({ ar: model.ar, mlm: model.mlm, tokenizer: model.tokenizer, head: productOfExpertsHead(model.ar.outputProjection(), model.mlm.outputProjection(), model.vocabSize) });
    try {
      const ids = model.tokenizer.encode('The quick brown fox jumps over the lazy dog, and then it sat on the mat.');
      const masked = ids.map((id, i) => (i % 2 ? model.maskTokenId : id));
      const n = ids.length;
      tf.tidy(() => {
        const head = poe.logitsAt(poe.alignedStates(tf.tensor2d([ids], undefined, 'int32'), tf.tensor2d([masked], undefined, 'int32')), ids.map((_, i) => i));
        const ar = model.ar.forward(tf.tensor2d([[model.ar.bosTokenId, ...ids.slice(0, n - 1)]], undefined, 'int32'), { returnLogits: true }).logits!.reshape([n, -1]).slice([0, 0], [n, model.vocabSize]);
        const mlm = model.mlm.forward(tf.tensor2d([masked], undefined, 'int32'), { returnLogits: true }).logits!.reshape([n, -1]).slice([0, 0], [n, model.vocabSize]);
        expectTensorClose(head, tf.div(tf.add(ar, mlm), 2), { atol: 1e-5, rtol: 1e-5 });
      });
    } finally {
      poe.head.dispose();
      model.dispose();
    }
  });
});

describe('the embedded diffusion encoder', () => {
  it('is an MDLM-trained encoder on the shared tokenizer, distinct from the MLM, that predicts masked tokens', async () => {
    const model = await loadTinyMaria();
    try {
      const diffusion = model.diffusion;
      expect(diffusion).toBeDefined();
      expect(diffusion!.info.family).toBe('modernbert');
      expect(diffusion!.info.vocabSize).toBe(model.vocabSize);
      expect(diffusion!.maskTokenId).toBe(model.maskTokenId);
      const ids = model.tokenizer.encode('In 1914, the First World War broke out in Europe. The British army was sent to France, where it fought alongside the French army against the German army on the Western Front.');
      const masked = ids.map((id, i) => (i % 3 === 1 ? model.maskTokenId : id));
      const targets = ids.flatMap((id, i) => (i % 3 === 1 ? [[i, id] as const] : []));
      const loss = (encoder: typeof diffusion) =>
        tf.tidy(() => {
          const logits = encoder!.forward(tf.tensor2d([masked], undefined, 'int32'), { returnLogits: true }).logits!.reshape([ids.length, -1]);
          const logProbabilities = tf.logSoftmax(logits.slice([0, 0], [ids.length, model.vocabSize]));
          const picked = targets.map(([i, id]) => logProbabilities.slice([i, id], [1, 1]).dataSync()[0] as number);
          return -picked.reduce((a, b) => a + b, 0) / picked.length;
        });
      const diffusionLoss = loss(diffusion);
      // Trained: far below the uniform guess's ln 8192 ≈ 9.01 nats per masked token (2.48 measured; the MLM 2.41) ...
      expect(diffusionLoss).toBeLessThan(6);
      // ... and not a copy of the MLM (its weights moved away under the MDLM objective).
      expect(Math.abs(diffusionLoss - loss(model.mlm))).toBeGreaterThan(1e-3);
    } finally {
      model.dispose();
    }
  });
});
