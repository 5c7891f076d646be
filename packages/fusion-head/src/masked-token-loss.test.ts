import * as tf from '@tensorflow/tfjs';
import { type ARBackbone, type MLMBackbone, type Tokenizer, initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose, finiteDifferenceGradient, testDataPath, testEngineOptions } from '@maria-ts/core/testing';
import { loadBackbone, loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productOfExpertsHead } from './linear-fusion-head.js';
import { expertLosses, headMaskedTokenLoss, maskedFeatures, maskedTokenLoss, type MaskedBatch } from './masked-token-loss.js';
import { MariaModel } from './maria-model.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

const POE_INIT = { atol: 1e-5, rtol: 1e-5 };
let model: MariaModel;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 5, hiddenSize: 16, vocabPadding: { ar: 8 } });
});
afterAll(() => model.dispose());

const batch: MaskedBatch = {
  ids: [40, 310, 72, 900, 15, 2048, 33, 501, 7, 99, 1000, 4000, 12, 8, 77, 65],
  mask: [0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0],
  batch: 2,
  length: 8,
};
const maskedIndices = [1, 4, 5, 7, 8, 13];

/** −log softmax(logits)[target], averaged, by an independent path (logSoftmax + one-hot). */
function referenceNll(logits: tf.Tensor2D, targets: number[]): number {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(targets, 'int32'), logits.shape[1])), 1);
    return -(tf.mean(picked).dataSync()[0] as number);
  });
}

describe('masked-token loss', () => {
  it('is the mean NLL of the head at the masked positions, computed in one pass', () => {
    const loss = maskedTokenLoss(model, batch);
    const reference = tf.tidy(() => {
      const masked = Array.from(batch.ids, (id, i) => (batch.mask[i] ? model.maskTokenId : id));
      const states = model.alignedStates(tf.tensor2d(Array.from(batch.ids), [2, 8], 'int32'), tf.tensor2d(masked, [2, 8], 'int32'));
      return referenceNll(model.logitsAt(states, maskedIndices), maskedIndices.map((i) => batch.ids[i] as number));
    });
    expect(loss.dataSync()[0]).toBeCloseTo(reference, 5);
    loss.dispose();
  });

  it('leaves only the returned scalar allocated', () => {
    expectNoTensorLeak(() => tf.dispose(maskedTokenLoss(model, batch)));
  });

  it('has gradients for the head only, matching finite differences, with features computed outside the tape', () => {
    const features = maskedFeatures(model, batch);
    const variables = model.head.variables();
    const { value, grads } = tf.variableGrads(() => headMaskedTokenLoss(model.head, features));
    expect(Object.keys(grads).sort()).toEqual([variables.arWeight.name, variables.bias.name, variables.mlmWeight.name].sort());
    const withoutBias = tf.tidy(() => tf.add(model.head.arLogits(features.hAR), tf.sub(model.head.mlmLogits(features.hMLM), variables.bias)) as tf.Tensor2D);
    const estimate = finiteDifferenceGradient((bias) => tf.mean(tf.sub(tf.logSumExp(tf.add(withoutBias, bias), 1), tf.sum(tf.mul(tf.add(withoutBias, bias), tf.oneHot(features.targets, model.vocabSize)), 1))) as tf.Scalar, variables.bias, { maxCoordinates: 6, epsilon: 1e-2 });
    const analytic = grads[variables.bias.name]!.dataSync();
    estimate.indices.forEach((index, k) => expect(analytic[index]).toBeCloseTo(estimate.values[k] as number, 3));
    tf.dispose([value, withoutBias, features.hAR, features.hMLM, features.targets, ...(features.fractions ? [features.fractions] : []), ...Object.values(grads)]);
  });

  it('at PoE init, MARIA scores the mean of the two experts\' logits; the expert losses are each backbone alone', () => {
    const features = maskedFeatures(model, batch);
    const losses = expertLosses(model, features);
    tf.dispose([features.hAR, features.hMLM, features.targets, ...(features.fractions ? [features.fractions] : [])]);
    const targets = maskedIndices.map((i) => batch.ids[i] as number);
    const { ar, mlm, poe } = tf.tidy(() => {
      const arInput = tf.tensor2d([0, 1].flatMap((row) => [model.ar.bosTokenId, ...Array.from(batch.ids).slice(row * 8, row * 8 + 7)]), [2, 8], 'int32');
      const arLogits = model.ar.forward(arInput, { returnLogits: true }).logits!.reshape([16, -1]).slice([0, 0], [16, model.vocabSize]);
      const masked = Array.from(batch.ids, (id, i) => (batch.mask[i] ? model.maskTokenId : id));
      const mlmLogits = model.mlm.forward(tf.tensor2d(masked, [2, 8], 'int32'), { returnLogits: true }).logits!.reshape([16, -1]).slice([0, 0], [16, model.vocabSize]);
      const pick = (logits: tf.Tensor) => tf.gather(logits, maskedIndices) as tf.Tensor2D;
      return { ar: referenceNll(pick(arLogits), targets), mlm: referenceNll(pick(mlmLogits), targets), poe: referenceNll(pick(tf.div(tf.add(arLogits, mlmLogits), 2)), targets) };
    });
    expect(losses.tokens).toBe(6);
    expect(losses.ar).toBeCloseTo(ar, 4);
    expect(losses.mlm).toBeCloseTo(mlm, 4);
    expect(losses.maria).toBeCloseTo(poe, 4);
  });

  it('refuses a batch with nothing masked', () => {
    expect(() => maskedTokenLoss(model, { ...batch, mask: new Array(16).fill(0) })).toThrow(/at least one masked position/);
  });
});

/** A tokenizer stand-in for checkpoints that ship none: only the size and special ids matter to MariaModel. */
function syntheticTokenizer(vocabSize: number): Tokenizer {
  return {
    vocabSize,
    specialTokens: { bos: 1, mask: 4 },
    encode: () => [],
    decode: () => '',
    idToToken: (id) => (id < vocabSize ? `t${id}` : undefined),
    tokenToId: () => undefined,
    fingerprint: () => `synthetic-${vocabSize}`,
  };
}

describe('PoE init on the golden fixtures (tiny-llama 384 ids + tiny-modernbert 320 ids)', () => {
  it('head logits equal (AR logits + MLM logits)/2 over the shared 320 ids, to 1e-5', async () => {
    // The same location backbones' golden tests read (MARIA_FIXTURES_DIR overrides it).
    const fixtures = process.env.MARIA_FIXTURES_DIR ?? testDataPath('fixtures');
    const ar = (await loadBackbone(`${fixtures}/tiny-llama`)) as ARBackbone;
    const mlm = (await loadBackbone(`${fixtures}/tiny-modernbert`, { maskTokenId: 4 })) as MLMBackbone;
    expect(mlm.outputProjection().bias).not.toBeNull();
    const vocab = Math.min(ar.info.vocabSize, mlm.info.vocabSize);
    const fixtureModel = new MariaModel({ ar, mlm, head: productOfExpertsHead(ar.outputProjection(), mlm.outputProjection(), vocab), tokenizer: syntheticTokenizer(vocab) });
    try {
      const ids = [[5, 17, 200, 3, 99, 310, 42, 7, 150, 11]];
      const masked = [[5, 4, 200, 3, 4, 4, 42, 7, 4, 11]];
      const positions = Array.from({ length: 10 }, (_, i) => i);
      tf.tidy(() => {
        const head = fixtureModel.logitsAt(fixtureModel.alignedStates(tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(masked, undefined, 'int32')), positions);
        const arLogits = ar.forward(tf.tensor2d([[1, ...ids[0]!.slice(0, 9)]], undefined, 'int32'), { returnLogits: true }).logits!.reshape([10, -1]).slice([0, 0], [10, vocab]);
        const mlmLogits = mlm.forward(tf.tensor2d(masked, undefined, 'int32'), { returnLogits: true }).logits!.reshape([10, -1]).slice([0, 0], [10, vocab]);
        expectTensorClose(head, tf.div(tf.add(arLogits, mlmLogits), 2), POE_INIT);
      });
    } finally {
      fixtureModel.dispose();
    }
  });
});
