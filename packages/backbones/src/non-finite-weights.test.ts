import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, initEngine } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointFiles, saveCheckpointFiles } from './io/checkpoint-files.js';
import type { StoredDtype } from './io/host-tensor.js';
import { useTempDir } from './io/io.test-support.js';
import { loadBackbone } from './load-backbone.js';
import { indexOfNonFinite } from './parameters/non-finite.js';
import { fixtureDir } from './testing/golden-fixtures.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

describe('indexOfNonFinite', () => {
  it('finds NaN, Infinity and -Infinity and nothing else (largest finite, -0, subnormals)', () => {
    expect(indexOfNonFinite(new Float32Array([0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45]))).toBe(-1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(indexOfNonFinite(new Float32Array([1, 2, bad, 4]))).toBe(2);
    expect(indexOfNonFinite(new Float32Array(new Float32Array([9, 9, Number.NaN]).buffer, 4, 2))).toBe(1);
  });
});

interface NonFiniteCase {
  readonly fixture: string;
  readonly tensor: string;
  readonly value: number;
  readonly dtype: StoredDtype;
  readonly shown: string;
}

const CASES: readonly NonFiniteCase[] = [
  { fixture: 'tiny-llama', tensor: 'model.layers.1.mlp.down_proj.weight', value: Number.NaN, dtype: 'F32', shown: 'NaN' },
  { fixture: 'tiny-olmo-f16', tensor: 'model.embed_tokens.weight', value: Number.POSITIVE_INFINITY, dtype: 'F16', shown: 'Infinity' },
  { fixture: 'tiny-modernbert', tensor: 'model.final_norm.weight', value: Number.NEGATIVE_INFINITY, dtype: 'BF16', shown: '-Infinity' },
  { fixture: 'lm-buddy-fake_gpt2', tensor: 'transformer.h.0.attn.c_attn.bias', value: Number.NaN, dtype: 'F32', shown: 'NaN' },
];

describe('non-finite weights are refused at load', () => {
  const temp = useTempDir('maria-non-finite-');

  it.each(CASES)('$fixture: $shown in $tensor ($dtype) → CheckpointError naming the tensor', async ({ fixture, tensor, value, dtype, shown }) => {
    const dir = join(temp.path, `${fixture}-${shown}`);
    await cp(fixtureDir(fixture), dir, { recursive: true });
    const files = await loadCheckpointFiles(dir, { tokenizer: false });
    const original = files.tensors.get(tensor);
    expect(original, `fixture has ${tensor}`).toBeDefined();
    const data = Float32Array.from(original!.data);
    data[3] = value;
    await saveCheckpointFiles(dir, { config: files.config, tensors: new Map([...files.tensors, [tensor, { ...original!, data }]]), dtype });
    const failure = await loadBackbone(dir).then(
      (backbone) => {
        backbone.dispose();
        return new Error('loaded');
      },
      (error: unknown) => error,
    );
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${String(failure)}`).toBe(true);
    expect((failure as Error).message).toContain(`tensor '${tensor}' holds ${shown} at element 3`);
    expect((failure as Error).message).toContain(dir);
  });
});
