import { describe, expect, it } from 'vitest';
import type { MariaError } from '../errors.js';
import { EngineAbortedError, EngineMemoryError, WASM_MEMORY_CEILING_BYTES, assertEngineCanHold, engineMemoryCeiling, explainEngineAbort } from './engine-memory.js';

const wasm = { name: 'wasm', backend: 'wasm' };
const tensorflow = { name: 'tensorflow-cpu', backend: 'tensorflow' };

describe('engine memory ceiling', () => {
  it('wasm addresses 4 GiB; native TensorFlow is limited by the machine only', () => {
    expect(WASM_MEMORY_CEILING_BYTES).toBe(4294967296);
    expect(engineMemoryCeiling(wasm)).toBe(WASM_MEMORY_CEILING_BYTES);
    expect(engineMemoryCeiling(tensorflow)).toBeUndefined();
  });

  it('refuses weights over the ceiling with one line naming the memory and the engine that holds it', () => {
    const needed = 6.5 * 1024 ** 3;
    let caught: unknown;
    try {
      assertEngineCanHold('the MARIA model in runs/maria-1b', needed, wasm);
    } catch (error) {
      caught = error;
    }
    expect(EngineMemoryError.isInstance(caught)).toBe(true);
    const message = (caught as MariaError).message;
    expect(message).toBe('the MARIA model in runs/maria-1b needs 6.50 GiB as float32 tensors, more than the wasm engine can hold (4.00 GiB); run it with --engine tensorflow (pnpm setup:tensorflow installs it)');
    expect(message).not.toContain('\n');
    expect((caught as MariaError).details).toMatchObject({ neededBytes: needed, engine: 'wasm', ceilingBytes: WASM_MEMORY_CEILING_BYTES });
  });

  it('lets through what fits, anything on TensorFlow, and honours a lowered ceiling', () => {
    expect(() => assertEngineCanHold('a model', WASM_MEMORY_CEILING_BYTES, wasm)).not.toThrow();
    expect(() => assertEngineCanHold('a model', 64 * 1024 ** 3, tensorflow)).not.toThrow();
    expect(() => assertEngineCanHold('a model', 2048, wasm, { ceilingBytes: 1024 })).toThrow('a model needs 2.00 KiB as float32 tensors, more than the wasm engine can hold (1.00 KiB)');
  });

  it("names the wasm engine's bare abort and says what to do; leaves every other error as it is", () => {
    for (const message of ['Aborted(). Build with -sASSERTIONS for more info.', 'RuntimeError: Aborted(OOM)']) {
      const explained = explainEngineAbort(new Error(message));
      expect(EngineAbortedError.isInstance(explained)).toBe(true);
      expect((explained as MariaError).message).toMatch(/^the wasm engine aborted \(Aborted\((OOM)?\)\), most likely out of its 4\.00 GiB of memory; run it with --engine tensorflow/u);
    }
    const other = new Error('the run Aborted() halfway');
    expect(explainEngineAbort(other)).toBe(other);
    expect(explainEngineAbort('Aborted()')).toBe('Aborted()');
  });
});
