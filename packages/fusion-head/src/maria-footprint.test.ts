import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { EngineMemoryError, initEngine, type MariaError } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveMariaModel } from './maria-directory.js';
import { assertMariaDirectoryFits, mariaDirectoryFootprint } from './maria-footprint.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

let dir: string;
let parameterCount: number;
beforeAll(async () => {
  await initEngine(testEngineOptions());
  dir = await mkdtemp(path.join(tmpdir(), 'maria-footprint-'));
  const tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  const model = createRandomMariaModel({ tokenizer, seed: 3, hiddenSize: 8, numLayers: 1 });
  parameterCount = [...model.ar.variables(), ...model.mlm.variables(), ...Object.values(model.head.variables())].reduce((sum, variable) => sum + (variable as tf.Variable).size, 0);
  // Stored as BF16: the footprint is what the engine holds, float32, not the file size.
  await saveMariaModel(model, dir, { dtype: 'BF16' });
  model.dispose();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('MARIA directory footprint', () => {
  it('counts every weight as 4 bytes, from the safetensors headers', async () => {
    const footprint = await mariaDirectoryFootprint(dir);
    expect(footprint.parts.ar + footprint.parts.mlm + footprint.parts.head).toBe(footprint.totalBytes);
    expect(footprint.totalBytes).toBe(4 * parameterCount);
  });

  it('refuses a model over a (lowered) wasm ceiling with one line, and lets it through under it or on TensorFlow', async () => {
    const { totalBytes } = await mariaDirectoryFootprint(dir);
    const wasm = { name: 'wasm', backend: 'wasm' };
    const attempt = assertMariaDirectoryFits(dir, wasm, { ceilingBytes: totalBytes - 1 });
    await expect(attempt).rejects.toSatisfy((error: unknown) => EngineMemoryError.isInstance(error));
    const refusal = (await assertMariaDirectoryFits(dir, wasm, { ceilingBytes: totalBytes - 1 }).catch((caught: unknown) => caught)) as MariaError;
    expect(refusal?.message.startsWith(`the MARIA model in ${dir} needs `)).toBe(true);
    expect(refusal?.message).toMatch(/ needs [0-9.]+ [KM]iB as float32 tensors, more than the wasm engine can hold \([0-9.]+ [KM]iB\); run it with --engine tensorflow/);
    await expect(assertMariaDirectoryFits(dir, wasm, { ceilingBytes: totalBytes })).resolves.toMatchObject({ totalBytes });
    await expect(assertMariaDirectoryFits(dir, { name: 'tensorflow-cpu', backend: 'tensorflow' }, { ceilingBytes: undefined })).resolves.toMatchObject({ totalBytes });
    const error = (await assertMariaDirectoryFits(dir, wasm, { ceilingBytes: 16 }).catch((caught: unknown) => caught)) as MariaError;
    expect(error?.message).not.toContain('\n');
  });
});
