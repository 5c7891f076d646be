import { initEngine, type MariaError } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TINY_MARIA_DIR, TinyMariaMissingError, hasTinyMaria, loadTinyMaria } from './tiny-maria.js';

beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
});

describe('loadTinyMaria', () => {
  it('loads the embedded MARIA in one call, or says in one typed line that its weights are not here', async () => {
    if (await hasTinyMaria()) {
      const model = await loadTinyMaria();
      try {
        expect(model.vocabSize).toBe(8192);
        expect(model.maskTokenId).toBe(8190);
        expect(model.ar.bosTokenId).toBe(8189);
      } finally {
        model.dispose();
      }
    } else {
      const error = await loadTinyMaria().then(() => undefined, (caught: unknown) => caught);
      expect(TinyMariaMissingError.isInstance(error)).toBe(true);
      expect((error as MariaError).message).toContain(TINY_MARIA_DIR);
      expect((error as MariaError).message).not.toContain('\n');
    }
  });
});
