import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { expectNoTensorLeak, finiteDifferenceGradient, testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRACTION_GATE_FILE, FractionGate, loadFractionGate, MIN_MLM_SCALE, saveFractionGate } from './fraction-gate.js';
import type { LinearFusionHead } from './linear-fusion-head.js';
import { headMaskedTokenLoss, maskedFeatures, type MaskedBatch, type MaskedFeatures } from './masked-token-loss.js';
import type { MariaModel } from './maria-model.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

/** Float32 central differences (ε = 1e-2) of a loss against its analytic gradient. */
const FINITE_DIFFERENCE = { digits: 3 };

let model: MariaModel;
let features: MaskedFeatures;
// Row 0 masks 2 of 8 positions, row 1 masks 5 of 8.
const batch: MaskedBatch = {
  ids: [40, 310, 72, 900, 15, 2048, 33, 501, 7, 99, 1000, 4000, 12, 8, 77, 65],
  mask: [0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 0, 0],
  batch: 2,
  length: 8,
};

beforeAll(async () => {
  await initEngine(testEngineOptions());
  model = createRandomMariaModel({ tokenizer: await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR), seed: 6, hiddenSize: 16 });
  features = maskedFeatures(model, batch);
});
afterAll(() => {
  tf.dispose(features as unknown as tf.TensorContainer);
  model.dispose();
});

/** The gated loss written out independently: logits = exp(p + q·f)·arLogits + 2σ(a + c·f)·mlmLogits. */
function referenceLoss(offset: number, slope: number, arOffset = 0, arSlope = 0): number {
  return tf.tidy(() => {
    const f = features.fractions!;
    const scale = tf.mul(tf.sigmoid(tf.add(offset, tf.mul(slope, f))), 2).expandDims(1);
    const arScale = tf.exp(tf.add(arOffset, tf.mul(arSlope, f))).expandDims(1);
    const logits = tf.add(tf.mul(model.head.arLogits(features.hAR), arScale), tf.mul(model.head.mlmLogits(features.hMLM), scale));
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(features.targets, model.vocabSize)), 1);
    return -(tf.mean(picked).dataSync()[0] as number);
  });
}

describe('FractionGate', () => {
  it('gives each masked position the masked fraction of its own sequence', () => {
    expect(Array.from(features.fractions!.dataSync())).toEqual([2 / 8, 2 / 8, 5 / 8, 5 / 8, 5 / 8, 5 / 8, 5 / 8]);
  });

  it('is plain MARIA at offset = slope = 0, and the gated loss otherwise', async () => {
    const closed = new FractionGate();
    const plain = headMaskedTokenLoss(model.head, features);
    const gatedAtZero = headMaskedTokenLoss(model.head, features, closed);
    expect(gatedAtZero.dataSync()[0]).toBe(plain.dataSync()[0]);
    const gate = new FractionGate({ offset: 0.3, slope: -2 });
    expect(gate.scaleAt(0.5)).toBeCloseTo(2 / (1 + Math.exp(-(0.3 - 1))), 6);
    const gated = headMaskedTokenLoss(model.head, features, gate);
    expect(gated.dataSync()[0]).toBeCloseTo(referenceLoss(0.3, -2), 5);
    expect(gated.dataSync()[0]).not.toBeCloseTo(plain.dataSync()[0] as number, 3);
    await expectNoTensorLeak(() => tf.dispose(headMaskedTokenLoss(model.head, features, gate)));
    const both = new FractionGate({ offset: 0.3, slope: -2, arOffset: 0.4, arSlope: -0.7 });
    expect(both.scalesAt(0.5)).toEqual({ ar: expect.closeTo(Math.exp(0.4 - 0.35), 6), mlm: expect.closeTo(2 / (1 + Math.exp(-(0.3 - 1))), 6) });
    const gatedBoth = headMaskedTokenLoss(model.head, features, both);
    expect(gatedBoth.dataSync()[0]).toBeCloseTo(referenceLoss(0.3, -2, 0.4, -0.7), 5);
    expect(() => both.scalesAt(1.5)).toThrow(/masked fraction/);
    tf.dispose([plain, gatedAtZero, gated, gatedBoth]);
    closed.dispose();
    gate.dispose();
    both.dispose();
  });

  it('turns a product-of-experts head into the AR alone at α = 2, g → 0 (the AR has no output bias)', () => {
    const arOnly = new FractionGate({ offset: -40, slope: 0, arOffset: Math.log(2), arSlope: 0 });
    const [gated, ar] = tf.tidy(() => [
      tf.logSoftmax(arOnly.logits(model.head, features.hAR, features.hMLM, features.fractions!)),
      tf.logSoftmax(model.ar.project(features.hAR).slice([0, 0], [-1, model.vocabSize])),
    ]);
    const [a, b] = [gated!.dataSync(), ar!.dataSync()];
    let worst = 0;
    for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    expect(worst).toBeLessThan(1e-5);
    // The same head with the MLM half left in is not the AR.
    const plain = tf.tidy(() => tf.logSoftmax(model.head.logits(features.hAR, features.hMLM)));
    expect(Math.abs((plain.dataSync()[0] as number) - (b[0] as number))).toBeGreaterThan(1e-3);
    tf.dispose([gated!, ar!, plain]);
    arOnly.dispose();
  });

  it('has gradients in its four numbers and the head matching finite differences', () => {
    const start = { offset: 0.2, slope: -1.5, arOffset: 0.3, arSlope: 0.6 };
    const gate = new FractionGate(start);
    const head = model.head.variables();
    const { value, grads } = tf.variableGrads(() => headMaskedTokenLoss(model.head, features, gate));
    expect(Object.keys(grads).sort()).toEqual([gate.offset.name, gate.slope.name, gate.arOffset.name, gate.arSlope.name, head.arWeight.name, head.mlmWeight.name, head.bias.name].sort());
    const around = (which: 'offset' | 'slope' | 'arOffset' | 'arSlope') =>
      finiteDifferenceGradient((x) => {
        const v = { ...start, [which]: x.dataSync()[0] as number };
        return tf.scalar(referenceLoss(v.offset, v.slope, v.arOffset, v.arSlope));
      }, gate[which], { epsilon: 1e-2 });
    for (const which of ['offset', 'slope', 'arOffset', 'arSlope'] as const) {
      expect(grads[gate[which].name]!.dataSync()[0]).toBeCloseTo(around(which).values[0] as number, FINITE_DIFFERENCE.digits);
    }
    // The bias sits inside the gated half: its gradient is scaled by g(f).
    const biasEstimate = finiteDifferenceGradient(
      (bias) =>
        tf.tidy(() => {
          const scale = gate.scale(features.fractions!).expandDims(1);
          const mlm = tf.add(tf.sub(model.head.mlmLogits(features.hMLM), head.bias), bias);
          const logits = tf.add(tf.mul(model.head.arLogits(features.hAR), gate.arScale(features.fractions!).expandDims(1)), tf.mul(mlm, scale));
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(features.targets, model.vocabSize)), 1))) as tf.Scalar;
        }),
      head.bias,
      { maxCoordinates: 6, epsilon: 1e-2 },
    );
    const analytic = grads[head.bias.name]!.dataSync();
    biasEstimate.indices.forEach((index, k) => expect(analytic[index]).toBeCloseTo(biasEstimate.values[k] as number, FINITE_DIFFERENCE.digits));
    tf.dispose([value, ...Object.values(grads)]);
    gate.dispose();
  });

  it('keeps banned ids banned however far it closes the MLM half, and keeps its AR scale finite', () => {
    const head = model.head as LinearFusionHead;
    const closed = new FractionGate({ offset: -500, slope: 0, arOffset: 200, arSlope: 0 });
    head.banIds([5, 77]);
    try {
      const logits = closed.logits(head, features.hAR, features.hMLM, features.fractions!);
      const values = logits.arraySync() as number[][];
      for (const row of values) {
        expect(row[5]).toBeLessThan(-1e20);
        expect(row[77]).toBeLessThan(-1e20);
        expect(row.every((value) => Number.isFinite(value))).toBe(true);
      }
      expect(closed.scaleAt(0.5)).toBe(Math.fround(MIN_MLM_SCALE));
      expect(closed.scalesAt(0.5).ar).toBeCloseTo(Math.exp(30), -6);
      logits.dispose();
    } finally {
      head.banIds([]);
      closed.dispose();
    }
  });

  it('round-trips through a head directory, is absent from a plain one, and refuses a damaged file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fraction-gate-'));
    expect(await loadFractionGate(dir)).toBeNull();
    const gate = new FractionGate({ offset: 0.25, slope: -3, arOffset: 0.5, arSlope: 0.125 });
    await saveFractionGate(gate, dir);
    const loaded = await loadFractionGate(dir);
    expect(loaded?.values()).toEqual(gate.values());
    // A file from before the AR pair existed gates the MLM half only.
    await writeFile(path.join(dir, FRACTION_GATE_FILE), '{"format": "maria-fraction-gate", "offset": 0.5, "slope": -1}');
    const older = await loadFractionGate(dir);
    expect(older?.values()).toEqual({ offset: 0.5, slope: -1, arOffset: 0, arSlope: 0 });
    older?.dispose();
    await writeFile(path.join(dir, FRACTION_GATE_FILE), '{"format": "maria-fraction-gate", "offset": 0.5, "slope": -1, "arOffset": null}');
    await expect(loadFractionGate(dir)).rejects.toThrow(CheckpointError);
    await writeFile(path.join(dir, FRACTION_GATE_FILE), '{"format": "maria-fraction-gate", "offset": "x"}');
    await expect(loadFractionGate(dir)).rejects.toThrow(CheckpointError);
    gate.dispose();
    loaded?.dispose();
  });
});
