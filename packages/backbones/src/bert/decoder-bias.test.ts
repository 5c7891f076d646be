import { initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { backboneFamilies } from '../families.js';
import { loadCheckpointFiles, type CheckpointFiles } from '../io/checkpoint-files.js';
import type { CheckpointTensor } from '../parameters/host-parameters.js';
import { fixtureDir } from '../testing/golden-fixtures.js';
import '../index.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

const BIAS = 'cls.predictions.bias';
const DECODER_BIAS = 'cls.predictions.decoder.bias';
const DECODER_WEIGHT = 'cls.predictions.decoder.weight';
const EMBEDDINGS = 'bert.embeddings.word_embeddings.weight';

let checkpoint: CheckpointFiles;
beforeAll(async () => {
  checkpoint = await loadCheckpointFiles(fixtureDir('lm-buddy-bert_tiniest'));
});

const shifted = (tensor: CheckpointTensor, by: number): CheckpointTensor => ({ shape: tensor.shape, data: tensor.data.map((value) => value + by) });

/** Builds BERT from the fixture's tensors with `edit` applied; returns the head bias and the warnings. */
function build(config: Record<string, unknown>, edit: (tensors: Map<string, CheckpointTensor>) => void): { bias: number[]; warnings: readonly string[] } {
  const tensors = new Map<string, CheckpointTensor>(checkpoint.tensors);
  edit(tensors);
  const { backbone, warnings } = backboneFamilies.get('bert').build({ ...checkpoint.config, ...config }, tensors, { source: 'bert-dir' });
  try {
    const bias = backbone.outputProjection().bias;
    return { bias: [...(bias?.dataSync() ?? [])], warnings };
  } finally {
    backbone.dispose();
  }
}

const values = (tensor: CheckpointTensor | undefined) => [...(tensor?.data ?? [])];

describe('BERT MLM decoder bias (transformers 5.x untied exports)', () => {
  it('untied with cls.predictions.decoder.bias: the logits use the decoder bias, and the other bias is reported', () => {
    const { bias, warnings } = build({ tie_word_embeddings: false }, (tensors) => {
      tensors.set(DECODER_WEIGHT, tensors.get(EMBEDDINGS)!);
      tensors.set(DECODER_BIAS, shifted(tensors.get(BIAS)!, 0.5));
    });
    expect(bias).toEqual(values(shifted(checkpoint.tensors.get(BIAS)!, 0.5)));
    expect(warnings.filter((line) => line.includes(`'${BIAS}'`))).toHaveLength(1);
  });

  it('untied with only cls.predictions.bias (transformers 4.x shared the two): that bias', () => {
    const { bias, warnings } = build({ tie_word_embeddings: false }, (tensors) => tensors.set(DECODER_WEIGHT, tensors.get(EMBEDDINGS)!));
    expect(bias).toEqual(values(checkpoint.tensors.get(BIAS)));
    expect(warnings.filter((line) => line.includes('cls.predictions'))).toEqual([]);
  });

  it('tied with equal duplicates of the bias and the embeddings: loads quietly', () => {
    const { bias, warnings } = build({}, (tensors) => {
      tensors.set(DECODER_WEIGHT, tensors.get(EMBEDDINGS)!);
      tensors.set(DECODER_BIAS, tensors.get(BIAS)!);
    });
    expect(bias).toEqual(values(checkpoint.tensors.get(BIAS)));
    expect(warnings.filter((line) => line.includes('cls.predictions'))).toEqual([]);
  });

  it('tied with a decoder bias or weight that differs from what it is tied to: each is reported, never dropped silently', () => {
    const { bias, warnings } = build({}, (tensors) => {
      tensors.set(DECODER_WEIGHT, shifted(tensors.get(EMBEDDINGS)!, 1));
      tensors.set(DECODER_BIAS, shifted(tensors.get(BIAS)!, 1));
    });
    expect(bias).toEqual(values(checkpoint.tensors.get(BIAS)));
    expect(warnings.filter((line) => line.includes(`'${DECODER_BIAS}'`))).toHaveLength(1);
    expect(warnings.filter((line) => line.includes(`'${DECODER_WEIGHT}'`))).toHaveLength(1);
  });
});
