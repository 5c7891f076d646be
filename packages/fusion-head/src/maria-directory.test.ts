import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, MariaError, TokenizerMismatchError, initEngine } from '@maria-ts/core';
import { expectTensorClose, testEngineOptions } from '@maria-ts/core/testing';
import { HuggingFaceTokenizer, loadTokenizer } from '@maria-ts/backbones';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackboneMismatchError } from './errors.js';
import { readFusionHeadConfig } from './fusion-head-io.js';
import { loadMariaModel, readMariaManifest, saveMariaModel } from './maria-directory.js';
import { FractionGate } from './fraction-gate.js';
import { MariaModel } from './maria-model.js';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from './testing/index.js';

let tokenizer: HuggingFaceTokenizer;
let root: string;
let model: MariaModel;
let savedDir: string;
const ids = [[40, 310, 72, 900, 15, 2048, 33, 501]];
const masked = [[40, 8190, 72, 900, 8190, 2048, 33, 8190]];

function headLogits(target: MariaModel): tf.Tensor2D {
  return tf.tidy(() => {
    const states = target.alignedStates(tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(masked, undefined, 'int32'));
    return target.logitsAt(states, [1, 4, 7]);
  });
}

/** The one-line error a rejected promise carries. */
async function rejection(promise: Promise<unknown>): Promise<MariaError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(MariaError.isInstance(error)).toBe(true);
  expect((error as Error).message).not.toContain('\n');
  return error as MariaError;
}

beforeAll(async () => {
  await initEngine(testEngineOptions());
  tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  root = await mkdtemp(path.join(tmpdir(), 'maria-dir-'));
  model = createRandomMariaModel({ tokenizer, seed: 11, hiddenSize: 16, numLayers: 1, withDiffusion: true, vocabPadding: { mlm: 24 } });
  savedDir = path.join(root, 'model');
  await saveMariaModel(model, savedDir, { names: { ar: 'random-ar', mlm: 'random-mlm' } });
});
afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('MARIA directory', () => {
  it('writes a gated model\'s fraction gate into head/ and loads it only when asked; refuses asking for a gate the head lacks', async () => {
    const gate = new FractionGate({ offset: 0.4, slope: -2, arOffset: 0.2, arSlope: 0.5 });
    const gated = new MariaModel({ ar: model.ar, mlm: model.mlm, head: model.head, tokenizer: model.tokenizer, gate });
    const dir = path.join(root, 'gated');
    await saveMariaModel(gated, dir);
    const withGate = await loadMariaModel(dir, { fractionGate: true, skipDiffusion: true });
    const withoutGate = await loadMariaModel(dir, { skipDiffusion: true });
    try {
      expect(withGate.gate?.values()).toEqual(gate.values());
      expect(withoutGate.gate).toBeUndefined();
      const logits = (target: MariaModel) => tf.tidy(() => {
        const states = target.alignedStates(tf.tensor2d(ids, undefined, 'int32'), tf.tensor2d(masked, undefined, 'int32'));
        return target.logitsAt(states, [1, 4, 7], [3 / 8, 3 / 8, 3 / 8]);
      });
      const [expected, loaded, plain] = [logits(gated), logits(withGate), headLogits(withoutGate)];
      expectTensorClose(loaded, expected, { atol: 1e-5, rtol: 1e-5 });
      expectTensorClose(plain, headLogits(model), { atol: 1e-5, rtol: 1e-5 });
      tf.dispose([expected, loaded, plain]);
    } finally {
      withGate.dispose();
      withoutGate.dispose();
      gate.dispose();
    }
    expect((await rejection(loadMariaModel(savedDir, { fractionGate: true, skipDiffusion: true }))).message).toMatch(/no fraction-gate\.json/);
  });

  it('writes maria.json, the tokenizer, the backbones and a head config recording the pairing', async () => {
    expect(await readMariaManifest(savedDir)).toEqual({ format: 'maria', version: 1, ar: 'ar', mlm: 'mlm', head: 'head', tokenizer: 'tokenizer.json', diffusion: 'diffusion' });
    const config = await readFusionHeadConfig(path.join(savedDir, 'head'));
    expect(config).toMatchObject({ vocabSize: 8192, arHiddenSize: 16, mlmHiddenSize: 16, init: 'product-of-experts', dtype: 'F32' });
    expect(config.ar).toMatchObject({ name: 'random-ar', family: 'llama', vocabSize: 8192 });
    expect(config.mlm).toMatchObject({ name: 'random-mlm', family: 'modernbert', vocabSize: 8192 + 24 });
    expect(config.tokenizer.fingerprint).toBe(tokenizer.fingerprint());
    expect(JSON.parse(await readFile(path.join(savedDir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({ bos_token: '<|endoftext|>', mask_token: '[MASK]', pad_token: '[PAD]', cls_token: null });
  });

  it('round-trips in F32: same logits, tokenizer, special tokens and content hashes', async () => {
    const loaded = await loadMariaModel(savedDir);
    try {
      expect(loaded.tokenizer.fingerprint()).toBe(tokenizer.fingerprint());
      expect(loaded.tokenizer.specialTokens).toEqual(tokenizer.specialTokens);
      expect(loaded.maskTokenId).toBe(model.maskTokenId);
      expect(loaded.ar.bosTokenId).toBe(model.ar.bosTokenId);
      expect(loaded.mlm.info.vocabSize).toBe(8192 + 24);
      expect(loaded.diffusion?.info.contentHash).toBe(model.diffusion?.info.contentHash);
      const config = await readFusionHeadConfig(path.join(savedDir, 'head'));
      expect(config.ar.contentHash).toBe(loaded.ar.info.contentHash);
      expect(config.mlm.contentHash).toBe(loaded.mlm.info.contentHash);
      const [expected, actual] = [headLogits(model), headLogits(loaded)];
      expectTensorClose(actual, expected, { atol: 0, rtol: 0 });
      tf.dispose([expected, actual]);
    } finally {
      loaded.dispose();
    }
  });

  it('round-trips in F16, recording the hashes of the rounded backbones', async () => {
    const dir = path.join(root, 'f16');
    await saveMariaModel(model, dir, { dtype: 'F16' });
    const loaded = await loadMariaModel(dir, { skipDiffusion: true });
    try {
      expect(loaded.diffusion).toBeUndefined();
      expect(loaded.ar.info.contentHash).not.toBe(model.ar.info.contentHash);
      const [expected, actual] = [headLogits(model), headLogits(loaded)];
      expectTensorClose(actual, expected, { atol: 2e-2, rtol: 2e-2 });
      tf.dispose([expected, actual]);
    } finally {
      loaded.dispose();
    }
  });

  it('refuses a head paired with other backbone weights, naming the role', async () => {
    const other = createRandomMariaModel({ tokenizer, seed: 12, hiddenSize: 16, numLayers: 1 });
    const otherDir = path.join(root, 'other');
    await saveMariaModel(other, otherDir);
    other.dispose();
    const dir = path.join(root, 'swapped');
    await saveMariaModel(model, dir);
    await rm(path.join(dir, 'mlm'), { recursive: true });
    await cp(path.join(otherDir, 'mlm'), path.join(dir, 'mlm'), { recursive: true });
    const tensorsBefore = tf.memory().numTensors;
    const error = await rejection(loadMariaModel(dir));
    expect(BackboneMismatchError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/different MLM backbone/);
    // The backbones loaded before the refusal are freed.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses a directory that is not a MARIA directory, and refuses to overwrite one', async () => {
    const error = await rejection(loadMariaModel(path.join(savedDir, 'ar')));
    expect(CheckpointError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/not a MARIA directory/);
    expect((await rejection(loadMariaModel(path.join(root, 'missing')))).message).toMatch(/not a MARIA directory/);
    expect((await rejection(saveMariaModel(model, path.join(savedDir, 'head')))).message).toMatch(/refusing to overwrite/);
  });

  it('refuses backbones whose own tokenizer differs from the shared one (same size, different merges)', async () => {
    const dir = path.join(root, 'mismatch');
    await saveMariaModel(model, dir);
    const json = structuredClone(tokenizer.json);
    const merges = json.model.merges as unknown[];
    [merges[0], merges[1]] = [merges[1], merges[0]];
    const swapped = new HuggingFaceTokenizer(json);
    expect(swapped.vocabSize).toBe(tokenizer.vocabSize);
    await writeFile(path.join(dir, 'ar', 'tokenizer.json'), JSON.stringify(json));
    const error = await rejection(loadMariaModel(dir));
    expect(TokenizerMismatchError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/tokenizers differ between the shared tokenizer and the AR backbone: merges differ at rank 0: /);
  });

  it("keeps an MLM's own tokenizer with extra tokens beside the shared one: its [CLS]/[SEP] frame the MLM input and its mask id is the MLM's", async () => {
    const json = structuredClone(tokenizer.json) as unknown as { added_tokens: Record<string, unknown>[] };
    const added = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
    json.added_tokens.push(added(8192, '[CLS]'), added(8193, '[SEP]'), added(8194, '<mask>'));
    const mlmTokenizer = new HuggingFaceTokenizer(json as unknown as typeof tokenizer.json, { overrides: { mask: 8194 } });
    expect([mlmTokenizer.vocabSize, mlmTokenizer.specialTokens.cls, mlmTokenizer.specialTokens.sep, mlmTokenizer.specialTokens.mask]).toEqual([8195, 8192, 8193, 8194]);
    // A view over the shared model's parts (not disposed here).
    const view = new MariaModel({ ar: model.ar, mlm: model.mlm, head: model.head, tokenizer, mlmTokenizer });
    const dir = path.join(root, 'own-mlm-tokenizer');
    await saveMariaModel(view, dir);
    expect(JSON.parse(await readFile(path.join(dir, 'mlm', 'tokenizer_config.json'), 'utf8'))).toMatchObject({ mask_token: '<mask>', cls_token: '[CLS]', sep_token: '[SEP]' });
    expect(JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8')).added_tokens).toHaveLength(tokenizer.json.added_tokens?.length ?? 0);
    const loaded = await loadMariaModel(dir);
    try {
      expect(loaded.mlmTokenizer.specialTokens).toMatchObject({ cls: 8192, sep: 8193, mask: 8194 });
      expect(loaded.maskTokenId).toBe(8194);
      expect(loaded.tokenizer.fingerprint()).toBe(tokenizer.fingerprint());
      tf.tidy(() => {
        const input = tf.tensor2d(masked, undefined, 'int32');
        const framed = loaded.mlm.forward(tf.tensor2d([[8192, ...(masked[0] as number[]), 8193]], undefined, 'int32')).hidden.slice([0, 1, 0], [1, 8, -1]);
        expectTensorClose(loaded.mlmStates(input), framed, { atol: 1e-6, rtol: 1e-6 });
        expect(tf.max(tf.abs(tf.sub(loaded.mlmStates(input), loaded.mlm.forward(input).hidden))).dataSync()[0]).toBeGreaterThan(1e-4);
      });
    } finally {
      loaded.dispose();
    }
  });
});
