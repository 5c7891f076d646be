import { EngineMemoryError, type MariaError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { startEngineAndLoadModel } from './engine-and-model.js';

describe('startEngineAndLoadModel', () => {
  it('refuses a model over the engine ceiling before loading it (the embedded tiny model under a lowered ceiling)', async () => {
    const refusal = await startEngineAndLoadModel({ engine: 'wasm', threads: 1 }, undefined, { ceilingBytes: 1024 * 1024 }).then(
      () => undefined,
      (error: unknown) => error as MariaError,
    );
    expect(EngineMemoryError.isInstance(refusal)).toBe(true);
    expect(refusal?.message).toMatch(/^the MARIA model in .*maria needs [0-9.]+ MiB as float32 tensors, more than the wasm engine can hold \(1\.00 MiB\); run it with --engine tensorflow/);
  });

});
