import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, initEngine, MariaError, UnknownNameError, type LanguageBackbone } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransformerForwardOptions, TransformerOutput } from './base/transformer-backbone.js';
import { backboneFamilies } from './families.js';
import { loadCheckpointFiles, saveCheckpointFiles } from './io/checkpoint-files.js';
import { loadBackbone, loadBackboneWithCheckpoint } from './load-backbone.js';
import { fixtureDir, goldenFixtureNames, readGolden, type GoldenCase } from './testing/golden-fixtures.js';

/** The goldens' own tolerance (float32 here against a float64 reference). */
const GOLDEN = { atol: 1e-4, rtol: 1e-4 };

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

function logSumExp(row: readonly number[]): number {
  const max = Math.max(...row);
  return max + Math.log(row.reduce((sum, value) => sum + Math.exp(value - max), 0));
}

function checkCase(backbone: LanguageBackbone, testCase: GoldenCase): void {
  const ids = tf.tensor2d([testCase.input_ids], [1, testCase.input_ids.length], 'int32');
  const options: TransformerForwardOptions = { returnLogits: true, returnLayerHidden: testCase.layer_hidden !== undefined };
  const output = backbone.forward(ids, options) as TransformerOutput;
  try {
    expectTensorClose(output.hidden, [testCase.hidden], GOLDEN);
    const logits = (output.logits?.arraySync() as number[][][])[0] ?? [];
    if (testCase.logits) expectTensorClose(logits, testCase.logits, GOLDEN);
    if (testCase.logits_first64) expectTensorClose(logits.map((row) => row.slice(0, 64)), testCase.logits_first64, GOLDEN);
    if (testCase.logits_logsumexp) expectTensorClose(logits.map(logSumExp), testCase.logits_logsumexp, GOLDEN);
    if (testCase.logits_selected && testCase.logits_selected_ids) {
      const selected = testCase.logits_selected_ids;
      expectTensorClose(logits.map((row) => selected.map((id) => row[id] as number)), testCase.logits_selected, GOLDEN);
    }
    expect(testCase.logits ?? testCase.logits_first64).toBeDefined();
    testCase.layer_hidden?.forEach((layer, index) => expectTensorClose(output.layerHidden?.[index] as tf.Tensor3D, [layer], GOLDEN));
  } finally {
    tf.dispose([ids, output.hidden, ...(output.logits ? [output.logits] : []), ...(output.layerHidden ?? [])]);
  }
}

describe('goldens through the public loader', () => {
  const names = goldenFixtureNames();

  it('finds the fixtures, and a registered family for each', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) expect(backboneFamilies.has(readGolden(name).model_type)).toBe(true);
  });

  for (const name of names) {
    it(`${name}: hidden, logits and per-layer residuals match the float64 reference`, async () => {
      const golden = readGolden(name);
      const warnings: string[] = [];
      const backbone = await loadBackbone(fixtureDir(name), { onWarning: (line) => warnings.push(line) });
      try {
        expect(backbone.info.family).toBe(golden.model_type);
        for (const testCase of golden.cases) checkCase(backbone, testCase);
        if (golden.mask_token_id !== undefined && backbone.kind === 'mlm' && name.includes('bert_tiniest')) {
          expect((backbone as unknown as { maskTokenId: number }).maskTokenId).toBe(golden.mask_token_id);
        }
        expect(warnings).toEqual([]);
      } finally {
        backbone.dispose();
      }
    });
  }
});

describe('loading', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'maria-backbones-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function variant(name: string, edit: (config: Record<string, unknown>, tensors: Map<string, { shape: readonly number[]; data: Float32Array }>) => void): Promise<string> {
    const files = await loadCheckpointFiles(fixtureDir('tiny-llama'));
    const tensors = new Map(files.tensors);
    const config = { ...files.config };
    edit(config, tensors);
    const dir = join(scratch, name);
    await saveCheckpointFiles(dir, { config, tensors, dtype: 'F32' });
    return dir;
  }

  async function loadError(dir: string): Promise<MariaError> {
    try {
      (await loadBackbone(dir)).dispose();
    } catch (error) {
      if (MariaError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected a typed error');
  }

  it('names a missing tensor', async () => {
    const dir = await variant('missing', (_, tensors) => tensors.delete('model.layers.1.mlp.up_proj.weight'));
    const error = await loadError(dir);
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect(error.message).toContain("missing tensor 'model.layers.1.mlp.up_proj.weight' (expected shape [64, 32])");
  });

  it('names a tensor whose shape disagrees with config.json', async () => {
    const dir = await variant('shape', (config) => {
      config.intermediate_size = 48;
    });
    const error = await loadError(dir);
    expect(error.message).toContain("tensor 'model.layers.0.mlp.gate_proj.weight' has shape [64, 32], but the config implies [48, 32]");
  });

  it('refuses an unknown model_type, listing the families', async () => {
    const dir = await variant('unknown', (config) => {
      config.model_type = 'mamba';
    });
    const error = await loadError(dir);
    expect(UnknownNameError.isInstance(error)).toBe(true);
    expect(error.message).toContain("'mamba'; known: gpt2, llama, olmo, bert, modernbert");
  });

  it('refuses a rope_scaling it cannot honour', async () => {
    const dir = await variant('rope', (config) => {
      config.rope_scaling = { rope_type: 'yarn', factor: 4 };
    });
    expect((await loadError(dir)).message).toContain('rope_scaling.rope_type = "yarn" is not supported');
  });

  it('warns about unknown config keys and unused tensors instead of ignoring them silently', async () => {
    const dir = await variant('extra', (config, tensors) => {
      config.use_flux_capacitor = true;
      tensors.set('model.extra.weight', { shape: [2], data: new Float32Array(2) });
    });
    const warnings: string[] = [];
    const { backbone } = await loadBackboneWithCheckpoint(dir, { onWarning: (line) => warnings.push(line) });
    backbone.dispose();
    expect(warnings).toEqual([
      `${dir}/config.json: ignoring unknown key 'use_flux_capacitor' = true`,
      `${dir}: ignoring tensor 'model.extra.weight' that the llama architecture does not use`,
    ]);
  });

  it('gives an MLM the mask id of its tokenizer, of the caller, or a typed error when unknown', async () => {
    const modernBert = await loadBackbone(fixtureDir('tiny-modernbert'));
    expect(() => (modernBert as unknown as { maskTokenId: number }).maskTokenId).toThrowError(/mask token id is unknown/);
    modernBert.dispose();
    const withId = await loadBackbone(fixtureDir('tiny-modernbert'), { maskTokenId: 4 });
    expect((withId as unknown as { maskTokenId: number }).maskTokenId).toBe(4);
    withId.dispose();
  });
});
