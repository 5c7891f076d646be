import * as tf from '@tensorflow/tfjs';
import { initEngine, Rng, type Tokenizer } from '@maria-ts/core';
import { expectNoTensorLeak, expectTensorClose } from '@maria-ts/core/testing';
import { loadTokenizer } from '@maria-ts/backbones';
import type { MariaModel } from '@maria-ts/core';
import { createRandomMariaModel, MONOREPO_TINY_TOKENIZER_DIR } from '@maria-ts/fusion-head/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConll, type TaggedSentence } from './conll.js';
import { disposeLinearProbe, predictLinearProbe, trainLinearProbe, type FeatureView } from './linear-probe.js';
import { runPosProbe } from './pos-probe.js';
import { extractProbeFeatures } from './probe-features.js';
import { alignSentence } from './subword-alignment.js';

let tokenizer: Tokenizer;
let model: MariaModel;
beforeAll(async () => {
  await initEngine({ engine: 'wasm', threads: 1 });
  tokenizer = await loadTokenizer(MONOREPO_TINY_TOKENIZER_DIR);
  model = createRandomMariaModel({ tokenizer, seed: 4, hiddenSize: 16, numLayers: 1 });
});
afterAll(() => model.dispose());

describe('parseConll', () => {
  it('reads words and POS tags, splitting sentences on blank lines and documents', () => {
    const text = ['-DOCSTART- -X- -X- O', '', 'EU NNP I-NP I-ORG', 'rejects VBZ I-VP O', '', 'Peter NNP I-NP I-PER', 'Blackburn NNP I-NP I-PER', '-DOCSTART- -X- O O', 'BRUSSELS NNP I-NP I-LOC', ''].join('\n');
    expect(parseConll(text)).toEqual([
      { words: ['EU', 'rejects'], tags: ['NNP', 'VBZ'] },
      { words: ['Peter', 'Blackburn'], tags: ['NNP', 'NNP'] },
      { words: ['BRUSSELS'], tags: ['NNP'] },
    ]);
    expect(() => parseConll('EU NNP\nlonely\n', 'eng.train')).toThrow('eng.train:2:');
  });
});

describe('alignSentence', () => {
  const sentence: TaggedSentence = { words: ['EU', 'rejects', 'German', 'call', '.'], tags: ['NNP', 'VBZ', 'JJ', 'NN', '.'] };

  it('marks the first subword of every word and keeps the text intact', () => {
    const aligned = alignSentence(sentence, tokenizer, 256);
    expect(tokenizer.decode([...aligned.ids])).toBe('EU rejects German call .');
    const pieces = sentence.words.map((word, w) => tokenizer.encode(w === 0 ? word : ` ${word}`));
    expect(aligned.ids).toEqual(pieces.flat());
    let offset = 0;
    expect(aligned.firstToken).toEqual(pieces.map((piece) => ((offset += piece.length), offset - piece.length)));
    expect(aligned.tags).toEqual(sentence.tags);
  });

  it('drops the words that do not fit', () => {
    const full = alignSentence(sentence, tokenizer, 256);
    const cut = alignSentence(sentence, tokenizer, full.firstToken[2] as number);
    expect(cut.tags).toEqual(['NNP', 'VBZ']);
    expect(cut.ids).toEqual(full.ids.slice(0, full.firstToken[2]));
  });
});

describe('extractProbeFeatures', () => {
  it('gathers [h_AR(i-1) ; h_MLM(i)] at each first subword, batched the same as alone, without leaks', async () => {
    const sentences = [
      { words: ['The', 'cat', 'sat'], tags: ['DT', 'NN', 'VBD'] },
      { words: ['A', 'dog', 'ran'], tags: ['DT', 'NN', 'VBD'] },
      { words: ['Stocks', 'fell', 'sharply', 'today'], tags: ['NNS', 'VBD', 'RB', 'NN'] },
    ].map((sentence) => alignSentence(sentence, tokenizer, 64));
    const features = await expectNoTensorLeak(() => extractProbeFeatures(model, sentences));
    expect(features.tags).toEqual(['DT', 'NN', 'VBD', 'DT', 'NN', 'VBD', 'NNS', 'VBD', 'RB', 'NN']);
    const width = features.arWidth + features.mlmWidth;
    let row = 0;
    for (const sentence of sentences) {
      const expected = tf.tidy(() => {
        const ids = tf.tensor2d([[...sentence.ids]], undefined, 'int32');
        const both = tf.concat([model.arStates(ids), model.mlmStates(ids)], 2).reshape([sentence.ids.length, width]);
        return tf.gather(both, tf.tensor1d([...sentence.firstToken], 'int32'));
      });
      expectTensorClose(features.values.subarray(row * width, (row + sentence.firstToken.length) * width), expected.dataSync(), { atol: 1e-5, rtol: 1e-4 });
      expected.dispose();
      row += sentence.firstToken.length;
    }
    const single = extractProbeFeatures(model, sentences, { maxBatchTokens: 1 });
    expectTensorClose(single.values, features.values, { atol: 1e-5, rtol: 1e-4 });
  });
});

describe('trainLinearProbe', () => {
  /** Three Gaussian blobs in 6 dimensions, separable by a linear map; feature scale 50 to exercise standardisation. */
  function blobs(count: number, seed: number): { view: FeatureView; labels: Int32Array } {
    const rng = new Rng(seed);
    const width = 8;
    const values = new Float32Array(count * width);
    const labels = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const label = rng.int(3);
      labels[r] = label;
      for (let c = 0; c < width; c++) values[r * width + c] = 50 * ((c === label ? 3 : 0) + rng.normal()) + 100;
    }
    return { view: { values, rows: count, width, columns: { start: 0, end: 6 } }, labels };
  }

  it('separates separable classes, is reproducible from its seed, and frees its tensors', async () => {
    const train = blobs(600, 1);
    const test = blobs(300, 2);
    await expectNoTensorLeak(() => {
      const probe = trainLinearProbe(train.view, train.labels, { classes: 3, epochs: 4, batchSize: 64, learningRate: 0.05, seed: 3 });
      const again = trainLinearProbe(train.view, train.labels, { classes: 3, epochs: 4, batchSize: 64, learningRate: 0.05, seed: 3 });
      expectTensorClose(again.weight, probe.weight, { atol: 0, rtol: 0 });
      const predictions = predictLinearProbe(probe, test.view);
      const accuracy = predictions.reduce((sum, p, i) => sum + (p === test.labels[i] ? 1 : 0), 0) / test.labels.length;
      expect(accuracy).toBeGreaterThan(0.9);
      disposeLinearProbe(probe);
      disposeLinearProbe(again);
    });
  });
});

describe('runPosProbe', () => {
  it('trains both probes on the same words and beats the majority tag when the word decides the tag', () => {
    // A toy language in which each word has one tag: any representation that keeps the token identity separates it.
    const lexicon: [string, string][] = [['the', 'DT'], ['a', 'DT'], ['cat', 'NN'], ['dog', 'NN'], ['mat', 'NN'], ['sat', 'VBD'], ['ran', 'VBD'], ['on', 'IN'], ['under', 'IN'], ['quickly', 'RB']];
    const rng = new Rng(9);
    const make = (count: number) => Array.from({ length: count }, (): TaggedSentence => {
      const entries = Array.from({ length: 3 + rng.int(4) }, () => lexicon[rng.int(lexicon.length)] as [string, string]);
      return { words: entries.map(([word]) => word), tags: entries.map(([, tag]) => tag) };
    });
    const result = runPosProbe(model, make(60), make(20), { epochs: 6, batchSize: 32, learningRate: 0.05, seed: 1, testSentences: 15 });
    expect(result.rows.map((row) => [row.features, row.dim])).toEqual([['mlm', 16], ['maria', 32]]);
    expect(result.testSentences).toBe(15);
    expect(result.tags).toEqual(['DT', 'IN', 'NN', 'RB', 'VBD']);
    for (const row of result.rows) {
      expect(row.accuracy).toBeGreaterThan(result.majorityTagAccuracy + 0.3);
      expect(row.testWords).toBe(result.rows[0]?.testWords);
    }
  });
});
