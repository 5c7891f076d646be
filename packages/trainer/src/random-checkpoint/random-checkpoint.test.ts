import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initEngine } from '@maria-ts/core';
import { testDataPath } from '@maria-ts/core/testing';
import {
  checkpointFloat32Bytes,
  loadBackbone,
  modernBertDecoderParameterRules,
  modernBertParameterRules,
  parseModernBertConfig,
  parseModernBertDecoderConfig,
  parseOlmoConfig,
  readSafetensorsHeader,
  ruleShape,
  type ParameterRule,
} from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paperPresets } from './paper-presets.js';
import { writeRandomCheckpoint } from './write-random-checkpoint.js';

let scratch: string;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  scratch = await mkdtemp(path.join(tmpdir(), 'maria-random-checkpoint-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('paper presets', () => {
  it('olmo-1b reads as allenai/OLMo-1B-hf: 2048 wide, 16 layers of 16 heads, SwiGLU 8192, tied, non-parametric LayerNorm', () => {
    const { config } = parseOlmoConfig(paperPresets.get('olmo-1b').config, 'olmo-1b');
    expect(config).toMatchObject({ hiddenSize: 2048, numLayers: 16, numHeads: 16, numKeyValueHeads: 16, intermediateSize: 8192, vocabSize: 50304, maxPositions: 2048, tieWordEmbeddings: true, clipQkv: null });
    expect(config.rope.theta).toBe(10000);
    expect(config.norm).toMatchObject({ kind: 'non-parametric-layer' });
  });

  it('modernbert-large reads as answerdotai/ModernBERT-large: 1024 wide, 28 layers, global every 3 (θ 160000), local window 128 (θ 10000)', () => {
    const { config } = parseModernBertConfig(paperPresets.get('modernbert-large').config, 'modernbert-large');
    expect(config).toMatchObject({ hiddenSize: 1024, numLayers: 28, numHeads: 16, intermediateSize: 2624, vocabSize: 50368, maxPositions: 8192, localWindowHalfWidth: 64, tieWordEmbeddings: true });
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(Array.from({ length: 28 }, (_, i) => (i % 3 === 0 ? 'global:160000' : 'local:10000')));
  });
});

/** Parameters under a family's rules, counted from the shapes alone (nothing drawn). */
function parameterCount(rules: readonly ParameterRule[]): number {
  return rules.reduce((sum, rule) => sum + ruleShape(rule).reduce((product, size) => product * size, 1), 0);
}

describe('Ettin presets', () => {
  // Widths, depths and heads of the Ettin size table; the parameter counts follow from them
  // (tied embeddings over 50,368 ids), and match the published sizes: 17M, 68M, 150M, 396M.
  const sizes = [
    { size: '17m', hidden: 256, layers: 7, heads: 4, intermediate: 384, parameters: 16_913_600, decoderLocalTheta: 10000 },
    { size: '68m', hidden: 512, layers: 19, heads: 8, intermediate: 768, parameters: 68_457_664, decoderLocalTheta: 10000 },
    { size: '150m', hidden: 768, layers: 22, heads: 12, intermediate: 1152, parameters: 149_655_232, decoderLocalTheta: 160000 },
    { size: '400m', hidden: 1024, layers: 28, heads: 16, intermediate: 2624, parameters: 395_881_664, decoderLocalTheta: 10000 },
  ] as const;

  it.each(sizes)('ettin-decoder-$size reads as a causal ModernBERT: global every 3 (θ 160000), sliding 64 keys (θ $decoderLocalTheta)', (expected) => {
    const preset = paperPresets.get(`ettin-decoder-${expected.size}`);
    expect(preset).toMatchObject({ kind: 'ar', source: `jhu-clsp/ettin-decoder-${expected.size}` });
    const { config, warnings } = parseModernBertDecoderConfig(preset.config, preset.source);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ hiddenSize: expected.hidden, numLayers: expected.layers, numHeads: expected.heads, intermediateSize: expected.intermediate, vocabSize: 50368, maxPositions: 7999, slidingWindow: 64, tieWordEmbeddings: true });
    expect(config.layers.map((layer) => `${layer.kind}:${layer.rope.theta}`)).toEqual(
      Array.from({ length: expected.layers }, (_, i) => (i % 3 === 0 ? 'full:160000' : `sliding:${expected.decoderLocalTheta}`)),
    );
    expect(parameterCount(modernBertDecoderParameterRules(config))).toBe(expected.parameters);
  });

  it.each(sizes)('ettin-encoder-$size reads as ModernBERT: global every 3, local window 128, θ 160000 on both', (expected) => {
    const preset = paperPresets.get(`ettin-encoder-${expected.size}`);
    expect(preset).toMatchObject({ kind: 'mlm', source: `jhu-clsp/ettin-encoder-${expected.size}` });
    const { config, warnings } = parseModernBertConfig(preset.config, preset.source);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({ hiddenSize: expected.hidden, numLayers: expected.layers, numHeads: expected.heads, intermediateSize: expected.intermediate, vocabSize: 50368, maxPositions: 7999, localWindowHalfWidth: 64, tieWordEmbeddings: true });
    expect(config.layers.map((layer) => `${layer.kind}:${layer.ropeTheta}`)).toEqual(Array.from({ length: expected.layers }, (_, i) => (i % 3 === 0 ? 'global:160000' : 'local:160000')));
    expect(parameterCount(modernBertParameterRules(config))).toBe(expected.parameters);
  });

  it('every Ettin preset names the training config its fields were read from', () => {
    const names = paperPresets.names().filter((name) => name.startsWith('ettin-'));
    expect(names).toHaveLength(8);
    for (const name of names) expect(paperPresets.get(name).reference).toMatch(/^JHU-CLSP\/ettin-encoder-vs-decoder@86fe50c pretraining\/configs\/standard\/\w+\/prolong_decay\/(de|en)coder_\w+\.yaml$/);
  });
});

describe('writeRandomCheckpoint', () => {
  it('writes Hugging Face names and shapes in bf16 that the loader reads back, with the tokenizer copied', async () => {
    // The olmo-1b config at a small size: the same code path, names and layout.
    const config = { ...paperPresets.get('olmo-1b').config, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4, intermediate_size: 64, vocab_size: 384 };
    const out = path.join(scratch, 'small-olmo');
    const summary = await writeRandomCheckpoint({ config, out, dtype: 'BF16', seed: 1, maxShardBytes: 20_000, tokenizerFile: testDataPath('tokenizers', 'modernbert', 'tokenizer.json') });
    const files = (await readdir(out)).sort();
    expect(files).toContain('config.json');
    expect(files).toContain('model.safetensors.index.json');
    expect(files).toContain('tokenizer.json');
    expect(files).toContain('tokenizer_config.json');
    const shard = files.find((name) => name.startsWith('model-00001-of-'));
    const header = await readSafetensorsHeader(path.join(out, shard as string));
    expect(header.entries.every((entry) => entry.dtype === 'BF16')).toBe(true);
    const written = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ model_type: 'olmo', hidden_size: 32, tie_word_embeddings: true, torch_dtype: 'bfloat16' });
    // Tied and non-parametric: embeddings, 7 projections per layer, no norm and no lm_head tensors.
    expect(summary.tensors).toBe(1 + 2 * 7);
    expect(summary.parameters).toBe(384 * 32 + 2 * (4 * 32 * 32 + 3 * 32 * 64));
    expect(await checkpointFloat32Bytes(out)).toBe(4 * summary.parameters);
    const backbone = await loadBackbone(out, { onWarning: () => undefined });
    try {
      expect(backbone.info).toMatchObject({ family: 'olmo' });
      expect(backbone.info.vocabSize).toBe(384);
    } finally {
      backbone.dispose();
    }
  });

  it('writes modernbert-large names for a small ModernBERT the loader accepts', async () => {
    const config = { ...paperPresets.get('modernbert-large').config, hidden_size: 32, num_hidden_layers: 3, num_attention_heads: 4, intermediate_size: 48, vocab_size: 320, local_attention: 4 };
    const out = path.join(scratch, 'small-modernbert');
    await writeRandomCheckpoint({ config, out, dtype: 'BF16', seed: 2 });
    const backbone = await loadBackbone(out, { maskTokenId: 4, onWarning: () => undefined });
    try {
      expect(backbone.kind).toBe('mlm');
      expect(backbone.info).toMatchObject({ family: 'modernbert' });
    } finally {
      backbone.dispose();
    }
  });

  it('writes Ettin-decoder names for a small modernbert-decoder the loader reads as an AR model', async () => {
    const config = { ...paperPresets.get('ettin-decoder-17m').config, hidden_size: 32, num_hidden_layers: 3, num_attention_heads: 4, intermediate_size: 48, vocab_size: 320, local_attention: 4, pad_token_id: 3, bos_token_id: 1, cls_token_id: 1, eos_token_id: 2, sep_token_id: 2 };
    const out = path.join(scratch, 'small-ettin-decoder');
    const summary = await writeRandomCheckpoint({ config, out, dtype: 'F32', seed: 3 });
    expect(summary.modelType).toBe('modernbert-decoder');
    const backbone = await loadBackbone(out, { onWarning: () => undefined });
    try {
      expect(backbone.kind).toBe('ar');
      expect(backbone.info).toMatchObject({ family: 'modernbert-decoder', vocabSize: 320 });
    } finally {
      backbone.dispose();
    }
  });

  it('refuses a family it has no rules for', async () => {
    await expect(writeRandomCheckpoint({ config: { model_type: 'gpt2' }, out: path.join(scratch, 'x'), dtype: 'BF16', seed: 0 })).rejects.toThrow(/model_type.*'olmo', 'modernbert' or 'modernbert-decoder'/);
  });
});
