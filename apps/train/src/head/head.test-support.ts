import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { vi } from 'vitest';
import { type HuggingFaceTokenizer, loadTokenizer, saveCheckpointFiles, type Backbone } from '@maria-ts/backbones';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { createProgram } from '../index.js';

/** The tiny tokenizer as a `HuggingFaceTokenizer` (its tokenizer.json is what checkpoints carry). */
export async function tinyTokenizer(): Promise<HuggingFaceTokenizer> {
  return loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
}

/**
 * Writes a small random AR and MLM (Llama + ModernBERT, width 16, one layer) as Hugging Face
 * checkpoints with the tiny tokenizer (or `tokenizerOfBoth`) inside, as `maria-train pretrain`
 * exports them.
 */
export async function writeRandomBackbones(dir: string, seed: number, tokenizerOfBoth?: HuggingFaceTokenizer): Promise<{ ar: string; mlm: string }> {
  const tokenizer = tokenizerOfBoth ?? (await tinyTokenizer());
  const model = createRandomMariaModel({ tokenizer, seed, hiddenSize: 16, numLayers: 1 });
  const paths = { ar: path.join(dir, 'ar'), mlm: path.join(dir, 'mlm') };
  try {
    for (const role of ['ar', 'mlm'] as const) {
      await mkdir(paths[role], { recursive: true });
      const { config, tensors } = (model[role] as unknown as Backbone).toCheckpoint();
      await saveCheckpointFiles(paths[role], { config, tensors, dtype: 'F32', tokenizerJson: tokenizer.json });
    }
  } finally {
    model.dispose();
  }
  return paths;
}

/** Runs `maria-train ...args` in this process, capturing stdout and the exit code. */
export async function runTrainCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await createProgram().exitOverride().parseAsync(['node', 'maria-train', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = previous;
  }
}
