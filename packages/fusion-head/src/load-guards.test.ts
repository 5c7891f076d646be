import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { cp, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CheckpointError, MariaError, TokenizerMismatchError, initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { type HuggingFaceTokenizer, type WritableTensor, loadTokenizer, readSafetensors, writeSafetensors } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_CONFIG_FILE, HEAD_WEIGHTS_FILE } from './fusion-head-io.js';
import { loadMariaModel, saveMariaModel } from './maria-directory.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

let tokenizer: HuggingFaceTokenizer;
let root: string;
let savedDir: string;
const pipes: string[] = [];

beforeAll(async () => {
  await initEngine(testEngineOptions());
  tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  root = await mkdtemp(path.join(tmpdir(), 'maria-load-guards-'));
  const model = createRandomMariaModel({ tokenizer, seed: 5, hiddenSize: 16, numLayers: 1 });
  savedDir = path.join(root, 'model');
  try {
    await saveMariaModel(model, savedDir);
  } finally {
    model.dispose();
  }
});
afterAll(async () => {
  // Opening the write end without blocking releases a reader blocked in open(); ENXIO means none.
  for (const pipe of pipes) await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK).then((handle) => handle.close(), () => undefined);
  await rm(root, { recursive: true, force: true });
});

/** A copy of the saved directory to spoil. */
async function copy(name: string): Promise<string> {
  const dir = path.join(root, name);
  await cp(savedDir, dir, { recursive: true });
  return dir;
}

/** The error `loadMariaModel` rejects with, or a marker error when it loads or takes over 5 s. */
async function loadFailure(dir: string): Promise<MariaError> {
  const failure = await Promise.race([
    loadMariaModel(dir).then(
      (model) => {
        model.dispose();
        return new Error('loaded');
      },
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve(new Error('still waiting after 5 s')), 5_000).unref()),
  ]);
  expect(MariaError.isInstance(failure), `expected a typed error, got ${String(failure)}`).toBe(true);
  expect((failure as Error).message).not.toContain('\n');
  return failure as MariaError;
}

/** Rewrites the head with `rows` vocabulary rows (cut or zero-padded), config.json to match. */
async function resizeHeadVocab(dir: string, rows: number): Promise<void> {
  const weightsFile = path.join(dir, 'head', HEAD_WEIGHTS_FILE);
  const tensors = await readSafetensors(weightsFile);
  const resized = new Map([...tensors].map(([name, tensor]) => {
    const columns = tensor.shape[tensor.shape.length - 1] as number;
    const leading = tensor.shape.length === 2 ? (tensor.shape[0] as number) : 1;
    const data = new Float32Array(leading * rows);
    for (let r = 0; r < leading; r++) data.set(tensor.data.subarray(r * columns, r * columns + Math.min(rows, columns)), r * rows);
    return [name, { shape: tensor.shape.length === 2 ? [leading, rows] : [rows], data }];
  }));
  await writeSafetensors(weightsFile, resized, { dtype: 'F32' });
  const configFile = path.join(dir, 'head', HEAD_CONFIG_FILE);
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, vocabSize: rows }));
}

describe('loading a MARIA directory refuses', () => {
  it.each([8000, 8200])('a head with %i vocabulary rows for the 8,192-id tokenizer (TokenizerMismatchError)', async (rows) => {
    const dir = await copy(`head-vocab-${rows}`);
    await resizeHeadVocab(dir, rows);
    const failure = await loadFailure(dir);
    expect(TokenizerMismatchError.isInstance(failure), `got ${failure.name}: ${failure.message}`).toBe(true);
    expect(failure.message).toContain(path.join(dir, 'head'));
    expect(failure.message).toContain(`${rows} vocabulary rows`);
    expect(failure.message).toContain('8192');
  });

  it('a head holding NaN (CheckpointError naming the tensor)', async () => {
    const dir = await copy('head-nan');
    const weightsFile = path.join(dir, 'head', HEAD_WEIGHTS_FILE);
    const tensors = await readSafetensors(weightsFile);
    const bias = tensors.get('fusion.bias');
    expect(bias).toBeDefined();
    const data = Float32Array.from(bias!.data);
    data[5] = Number.NaN;
    await writeSafetensors(weightsFile, new Map<string, WritableTensor>([...tensors, ['fusion.bias', { shape: bias!.shape, data }]]), { dtype: 'F32' });
    const failure = await loadFailure(dir);
    expect(CheckpointError.isInstance(failure), `got ${failure.name}: ${failure.message}`).toBe(true);
    expect(failure.message).toContain(weightsFile);
    expect(failure.message).toContain("tensor 'fusion.bias' holds NaN at element 5");
  });

  it.each(['maria.json', 'tokenizer.json', `head/${HEAD_CONFIG_FILE}`, `head/${HEAD_WEIGHTS_FILE}`, 'ar/model.safetensors', 'mlm/config.json'])(
    '%s as a named pipe (CheckpointError naming it)',
    { timeout: 15_000 },
    async (file) => {
      const dir = await copy(`pipe-${file.replaceAll('/', '-')}`);
      const target = path.join(dir, file);
      await rm(target);
      execFileSync('mkfifo', [target]);
      pipes.push(target);
      const failure = await loadFailure(dir);
      expect(CheckpointError.isInstance(failure), `got ${failure.name}: ${failure.message}`).toBe(true);
      expect(failure.message).toContain(target);
      expect(failure.message).toContain('named pipe');
    },
  );
});
