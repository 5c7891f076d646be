import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { loadCheckpointFiles, pathExists, saveCheckpointFiles, type StoredDtype, type WritableTensor } from '@maria-ts/backbones';

/** Where the one tied matrix starts from: the input embedding, the output projection, or their mean. */
export type TieInit = 'input' | 'output' | 'mean';
export const TIE_INITS: readonly TieInit[] = ['input', 'output', 'mean'];

const INPUT_EMBEDDING = 'model.embed_tokens.weight';
const OUTPUT_PROJECTION = 'lm_head.weight';
/** Decoder families whose checkpoints name their embeddings as Llama does. */
const TIEABLE_MODEL_TYPES = new Set(['llama', 'olmo']);

export interface TieEmbeddingsOptions {
  readonly from: string;
  readonly out: string;
  readonly init: TieInit;
  readonly dtype: StoredDtype;
}

export interface TieEmbeddingsResult {
  readonly from: string;
  readonly out: string;
  readonly init: TieInit;
  readonly modelType: string;
  /** Parameters dropped by sharing one matrix (vocab × hidden). */
  readonly parametersSaved: number;
}

/**
 * Turns an untied Llama/OLMo checkpoint into a tied one (`tie_word_embeddings: true`, no
 * `lm_head.weight`): the one matrix is the input embedding, the output projection, or their
 * element-wise mean. The result is a starting point, not a finished model: the two roles
 * were trained apart, so it is meant to be trained further (`pretrain --init-from`), which
 * is how the embedded tiny AR fits the 32 MB budget (RECIPE.md). The tokenizer files are
 * copied along.
 */
export async function tieEmbeddings(options: TieEmbeddingsOptions): Promise<TieEmbeddingsResult> {
  if (!TIE_INITS.includes(options.init)) throw new InvalidArgumentError('--init', options.init, TIE_INITS.join(' | '));
  if (path.resolve(options.from) === path.resolve(options.out)) throw new InvalidArgumentError('--out', options.out, 'a directory other than --from');
  const checkpoint = await loadCheckpointFiles(options.from, { tokenizer: false });
  const modelType = String(checkpoint.config.model_type ?? '');
  if (!TIEABLE_MODEL_TYPES.has(modelType)) throw new CheckpointError(options.from, `model_type "${modelType}" is not one whose embeddings this command ties (llama, olmo)`);
  if (checkpoint.config.tie_word_embeddings === true) throw new CheckpointError(options.from, 'its embeddings are already tied (tie_word_embeddings: true)');
  const input = checkpoint.tensors.get(INPUT_EMBEDDING);
  const output = checkpoint.tensors.get(OUTPUT_PROJECTION);
  if (!input || !output) throw new CheckpointError(options.from, `an untied checkpoint needs both ${INPUT_EMBEDDING} and ${OUTPUT_PROJECTION}`);
  if (input.shape.join('x') !== output.shape.join('x')) {
    throw new CheckpointError(options.from, `${INPUT_EMBEDDING} is [${input.shape.join(', ')}] but ${OUTPUT_PROJECTION} is [${output.shape.join(', ')}]`);
  }
  const tied = options.init === 'input' ? input.data : options.init === 'output' ? output.data : input.data.map((value, index) => (value + (output.data[index] as number)) / 2);
  const tensors = new Map<string, WritableTensor>();
  for (const [name, tensor] of checkpoint.tensors) {
    if (name === OUTPUT_PROJECTION) continue;
    tensors.set(name, name === INPUT_EMBEDDING ? { shape: input.shape, data: tied } : tensor);
  }
  await mkdir(options.out, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    if (await pathExists(path.join(options.from, file))) await copyFile(path.join(options.from, file), path.join(options.out, file));
  }
  await saveCheckpointFiles(options.out, { config: { ...checkpoint.config, tie_word_embeddings: true }, tensors, dtype: options.dtype });
  return { from: options.from, out: options.out, init: options.init, modelType, parametersSaved: output.data.length };
}
