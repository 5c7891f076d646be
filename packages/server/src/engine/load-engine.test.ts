import { initEngine } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadServeEngine } from './load-engine.js';

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

describe('loadServeEngine', () => {
  it('loads the embedded model plain by default and with its fraction gate when asked', async () => {
    const plain = await loadServeEngine({ kind: 'tiny' });
    const gated = await loadServeEngine({ kind: 'tiny', fractionGate: true });
    try {
      expect(plain.name).toBe('model-tiny');
      expect(gated.name).toBe('model-tiny (fraction gate)');
    } finally {
      plain.dispose();
      gated.dispose();
    }
  });
});
