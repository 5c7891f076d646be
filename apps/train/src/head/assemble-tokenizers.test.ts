import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initEngine } from '@maria-ts/core';
import { testDataPath } from '@maria-ts/core/testing';
import { type Backbone, createBackbone, loadTokenizer, saveCheckpointFiles } from '@maria-ts/backbones';
import { loadMariaModel } from '@maria-ts/fusion-head';
import { runTrainCommand } from './head.test-support.js';
import { startFakeHub } from './hub-server.test-support.js';

const OLMO = testDataPath('tokenizers', 'olmo', 'allenai_gpt-neox-olmo-dolma-v1_5.json');
const MODERNBERT = testDataPath('tokenizers', 'modernbert');
const GPT2 = testDataPath('tokenizers', 'gpt2');
const small = { hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, initializer_range: 0.2, max_position_embeddings: 64 };

let root: string;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'maria-assemble-tokenizers-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A random checkpoint of `modelType` in a Hugging Face folder that carries `tokenizerFiles` (copied as tokenizer.json / tokenizer_config.json). */
async function checkpointWith(name: string, modelType: string, config: Record<string, unknown>, tokenizerFiles: { json: string; config?: string }): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  const backbone = createBackbone(modelType, config, { seed: 1 }) as Backbone;
  try {
    const checkpoint = backbone.toCheckpoint();
    await saveCheckpointFiles(dir, { config: checkpoint.config, tensors: checkpoint.tensors, dtype: 'F32' });
  } finally {
    backbone.dispose();
  }
  await copyFile(tokenizerFiles.json, path.join(dir, 'tokenizer.json'));
  if (tokenizerFiles.config) await copyFile(tokenizerFiles.config, path.join(dir, 'tokenizer_config.json'));
  return dir;
}

describe('maria-train assemble with Hugging Face folders that carry their own tokenizers', () => {
  let olmoAr: string;
  let modernBertMlm: string;
  beforeAll(async () => {
    // OLMo-1 pads its vocabulary to 50,304 rows, ModernBERT to 50,368.
    olmoAr = await checkpointWith('olmo-ar', 'olmo', { ...small, vocab_size: 50304, bos_token_id: null, eos_token_id: 50279 }, { json: OLMO });
    modernBertMlm = await checkpointWith('modernbert-mlm', 'modernbert', { ...small, vocab_size: 50368 }, { json: path.join(MODERNBERT, 'tokenizer.json'), config: path.join(MODERNBERT, 'tokenizer_config.json') });
  });

  it("pairs OLMo-1 with ModernBERT without --tokenizer: the AR's tokenizer is the head's vocabulary, the MLM keeps its own [MASK]", async () => {
    const out = path.join(root, 'paper-pair');
    const result = await runTrainCommand('assemble', '--ar', olmoAr, '--mlm', modernBertMlm, '--out', out, '--json');
    expect(result.code, result.stderr).toBe(0);
    const olmo = await loadTokenizer(OLMO);
    expect((await loadTokenizer(path.join(out, 'tokenizer.json'))).fingerprint()).toBe(olmo.fingerprint());
    expect(JSON.parse(await readFile(path.join(out, 'mlm', 'tokenizer.json'), 'utf8')).added_tokens).toHaveLength(116);
    const model = await loadMariaModel(out);
    try {
      expect([model.vocabSize, model.maskTokenId, model.ar.bosTokenId]).toEqual([50280, 50284, 50279]);
      expect(model.mlmTokenizer.specialTokens).toMatchObject({ cls: 50281, sep: 50282, mask: 50284 });
    } finally {
      model.dispose();
    }
  });

  it('refuses GPT-2 beside OLMo-1 in one line naming the first differing token', async () => {
    const gpt2Ar = await checkpointWith('gpt2-ar', 'gpt2', { n_embd: 8, n_layer: 1, n_head: 2, vocab_size: 50257, n_positions: 64 }, { json: path.join(GPT2, 'tokenizer.json') });
    const olmoMlm = await checkpointWith('olmo-tokenized-mlm', 'modernbert', { ...small, vocab_size: 50368, mask_token_id: 50279 }, { json: OLMO });
    const result = await runTrainCommand('assemble', '--ar', gpt2Ar, '--mlm', olmoMlm, '--out', path.join(root, 'never'), '--json');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'TokenizerMismatch' });
    expect(result.stderr).toContain('base vocabularies differ at id 0: "!" vs "|||IP_ADDRESS|||"');
  });

  describe('Hub ids for --ar / --mlm', () => {
    afterEach(() => vi.unstubAllEnvs());

    it('downloads both backbones from the Hub (here a local server) into the cache, then assembles as from folders', async () => {
      const hub = await startFakeHub({ 'allenai/tiny-olmo-ar': olmoAr, 'answerdotai/tiny-modernbert-mlm': modernBertMlm });
      try {
        vi.stubEnv('HF_ENDPOINT', hub.url);
        vi.stubEnv('MARIA_CACHE_DIR', path.join(root, 'hub-cache'));
        const out = path.join(root, 'from-hub');
        const result = await runTrainCommand('assemble', '--ar', 'allenai/tiny-olmo-ar', '--mlm', 'answerdotai/tiny-modernbert-mlm', '--out', out, '--json');
        expect(result.code, result.stderr).toBe(0);
        expect(hub.requests).toContain('/api/models/allenai/tiny-olmo-ar/tree/main');
        const model = await loadMariaModel(out);
        try {
          expect([model.vocabSize, model.maskTokenId]).toEqual([50280, 50284]);
        } finally {
          model.dispose();
        }
      } finally {
        await hub.close();
      }
    });

    it('without network, refuses in one line naming the model id', async () => {
      const hub = await startFakeHub({});
      await hub.close();
      vi.stubEnv('HF_ENDPOINT', hub.url);
      vi.stubEnv('MARIA_CACHE_DIR', path.join(root, 'offline-cache'));
      const result = await runTrainCommand('assemble', '--ar', 'allenai/not-cached', '--mlm', modernBertMlm, '--out', path.join(root, 'never-offline'));
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n').filter((line) => !line.startsWith('maria: engine'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/allenai\/not-cached@main: cannot .+ from the Hugging Face Hub/);
    });
  });
});
