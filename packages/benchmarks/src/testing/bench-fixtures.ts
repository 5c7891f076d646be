import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Tokenizer } from '@maria-ts/core';
import { type Backbone, createBackbone, loadTokenizer, saveCheckpointFiles } from '@maria-ts/backbones';
import { loadMariaModel, type MariaModel, saveMariaModel } from '@maria-ts/fusion-head';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { type ArJudgeModel, loadArJudgeModel } from '../judge-model/ar-judge-model.js';

/** Test fixtures of the anneal and ELO benchmarks: a small random MARIA and small random AR judges on disk. */
export interface BenchFixtures {
  readonly root: string;
  readonly tokenizer: Tokenizer;
  /** A saved random MARIA directory (its AR backbone is at `<modelDir>/ar`). */
  readonly modelDir: string;
  /** A random Llama-style AR checkpoint with other weights than the model's AR: a valid (if useless) judge. */
  readonly judgeDir: string;
}

/** Saves a random Llama-style AR checkpoint on the tiny tokenizer's vocabulary (no tokenizer files: judges fall back to the model's). */
export async function saveRandomArJudge(dir: string, tokenizer: Tokenizer, seed: number): Promise<void> {
  const judge = createBackbone('llama', {
    vocab_size: tokenizer.vocabSize, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 2, intermediate_size: 32,
    hidden_act: 'silu', rms_norm_eps: 1e-5, rope_theta: 10000, max_position_embeddings: 512, initializer_range: 0.2, tie_word_embeddings: false,
    bos_token_id: tokenizer.specialTokens.bos ?? tokenizer.specialTokens.eos,
  }, { seed }) as Backbone;
  try {
    const checkpoint = judge.toCheckpoint();
    await saveCheckpointFiles(dir, { config: checkpoint.config, tensors: checkpoint.tensors, dtype: 'F32' });
  } finally {
    judge.dispose();
  }
}

/** A temp folder with a random MARIA (hidden 16, one layer) and a random AR judge. Call `initEngine` first. */
export async function createBenchFixtures(prefix: string): Promise<BenchFixtures> {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  const modelDir = path.join(root, 'maria');
  const model: MariaModel = createRandomMariaModel({ tokenizer, seed: 5, hiddenSize: 16, numLayers: 1 });
  try {
    await saveMariaModel(model, modelDir);
  } finally {
    model.dispose();
  }
  const judgeDir = path.join(root, 'judge');
  await saveRandomArJudge(judgeDir, tokenizer, 99);
  return { root, tokenizer, modelDir, judgeDir };
}

/** The fixtures loaded: the MARIA model and the judge, with one call to free both and the folder. */
export interface OpenBenchFixtures extends BenchFixtures {
  readonly model: MariaModel;
  readonly judge: ArJudgeModel;
  close(): Promise<void>;
}

/** `createBenchFixtures`, then loads the model and the judge (for tests that call the benchmarks directly). */
export async function openBenchFixtures(prefix: string): Promise<OpenBenchFixtures> {
  const fixtures = await createBenchFixtures(prefix);
  const model = await loadMariaModel(fixtures.modelDir);
  const judge = await loadArJudgeModel(fixtures.judgeDir, model.tokenizer);
  return {
    ...fixtures,
    model,
    judge,
    async close() {
      judge.backbone.dispose();
      model.dispose();
      await rm(fixtures.root, { recursive: true, force: true });
    },
  };
}
