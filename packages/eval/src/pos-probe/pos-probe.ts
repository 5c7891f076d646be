import { Rng } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/core';
import { subsample } from '../datasets/eval-windows.js';
import type { TaggedSentence } from './conll.js';
import { disposeLinearProbe, predictLinearProbe, trainLinearProbe, type FeatureView } from './linear-probe.js';
import { extractProbeFeatures, type ProbeFeatures } from './probe-features.js';
import { alignSentence } from './subword-alignment.js';

/** The representations the POS probe compares (paper Table 3). */
export const POS_PROBE_FEATURES = ['mlm', 'maria'] as const;
export type PosProbeFeatureKind = (typeof POS_PROBE_FEATURES)[number];

/** Something to report progress to (a progress bar); all optional. */
export interface ProgressSink {
  start?(total: number): void;
  advance?(units: number): void;
  stage?(text: string): void;
}

/** Options of `runPosProbe`. */
export interface PosProbeOptions {
  /** Training sentences to subsample (default all). */
  readonly trainSentences?: number;
  /** Test sentences to subsample (default all). */
  readonly testSentences?: number;
  readonly seed?: number;
  /** Subword tokens per sentence; words past it are dropped (default 256). */
  readonly maxTokens?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly maxBatchTokens?: number;
  /** Units: sentences featurised plus probe steps. */
  readonly progress?: ProgressSink;
}

/** One probe's result. */
export interface PosProbeRow {
  readonly features: PosProbeFeatureKind;
  /** Feature width: dMLM, or dAR + dMLM for MARIA. */
  readonly dim: number;
  /** Share of test words whose first-subword prediction is the gold tag. */
  readonly accuracy: number;
  readonly trainWords: number;
  readonly testWords: number;
  /** Cross-entropy of the last training step. */
  readonly finalTrainLoss: number;
}

export interface PosProbeResult {
  readonly rows: PosProbeRow[];
  /** Accuracy of always predicting the most frequent training tag: the floor any probe must beat. */
  readonly majorityTagAccuracy: number;
  readonly tags: readonly string[];
  readonly trainSentences: number;
  readonly testSentences: number;
}

/**
 * The POS probe (paper Table 3): a linear classifier on frozen per-token features, the MLM's
 * `h_MLM(i)` and MARIA's `[h_AR(i-1) ; h_MLM(i)]`, trained on the training sentences and
 * scored on the test sentences, word tags aligned to each word's first subword token. The
 * features of both probes come from one pass of each backbone; both probes train with the
 * same seed, order and hyperparameters. Test tags never seen in training count as errors.
 */
export function runPosProbe(model: MariaModel, train: readonly TaggedSentence[], test: readonly TaggedSentence[], options: PosProbeOptions = {}): PosProbeResult {
  const seed = options.seed ?? 0;
  const maxTokens = options.maxTokens ?? 256;
  const trainSet = subsample(train, options.trainSentences ?? train.length, new Rng(seed));
  const testSet = subsample(test, options.testSentences ?? test.length, new Rng(seed + 1));
  const align = (sentences: readonly TaggedSentence[]) => sentences.map((sentence) => alignSentence(sentence, model.tokenizer, maxTokens));
  const trainAligned = align(trainSet);
  const testAligned = align(testSet);
  const trainWords = trainAligned.reduce((sum, sentence) => sum + sentence.firstToken.length, 0);
  const batchSize = options.batchSize ?? 256;
  const epochs = options.epochs ?? 3;
  const steps = epochs * Math.ceil(trainWords / batchSize);
  const progress = options.progress;
  progress?.start?.(trainAligned.length + testAligned.length + POS_PROBE_FEATURES.length * steps);
  progress?.stage?.('features (train)');
  const extract = (sentences: typeof trainAligned) => extractProbeFeatures(model, sentences, { ...(options.maxBatchTokens ? { maxBatchTokens: options.maxBatchTokens } : {}), onProgress: (n) => progress?.advance?.(n) });
  const trainFeatures = extract(trainAligned);
  progress?.stage?.('features (test)');
  const testFeatures = extract(testAligned);
  const tags = [...new Set(trainFeatures.tags)].sort();
  const index = new Map(tags.map((tag, i) => [tag, i]));
  const trainLabels = Int32Array.from(trainFeatures.tags, (tag) => index.get(tag) as number);
  const testLabels = Int32Array.from(testFeatures.tags, (tag) => index.get(tag) ?? -1);
  const counts = new Map<number, number>();
  for (const label of trainLabels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? -1;
  const view = (features: ProbeFeatures, kind: PosProbeFeatureKind): FeatureView => {
    const width = features.arWidth + features.mlmWidth;
    return { values: features.values, rows: features.rows, width, columns: kind === 'mlm' ? { start: features.arWidth, end: width } : { start: 0, end: width } };
  };
  const rows = POS_PROBE_FEATURES.map((kind): PosProbeRow => {
    progress?.stage?.(`probe (${kind})`);
    let finalTrainLoss = Number.NaN;
    const probe = trainLinearProbe(view(trainFeatures, kind), trainLabels, {
      classes: tags.length,
      epochs,
      batchSize,
      learningRate: options.learningRate ?? 1e-2,
      seed,
      onStep: (loss) => {
        finalTrainLoss = loss;
        progress?.advance?.(1);
      },
    });
    try {
      const predictions = predictLinearProbe(probe, view(testFeatures, kind));
      const correct = predictions.reduce((sum, predicted, i) => sum + (predicted === testLabels[i] ? 1 : 0), 0);
      return { features: kind, dim: probe.columns.end - probe.columns.start, accuracy: correct / Math.max(1, testFeatures.rows), trainWords: trainFeatures.rows, testWords: testFeatures.rows, finalTrainLoss };
    } finally {
      disposeLinearProbe(probe);
    }
  });
  const majorityTagAccuracy = testLabels.reduce((sum, label) => sum + (label === majority ? 1 : 0), 0) / Math.max(1, testLabels.length);
  return { rows, majorityTagAccuracy, tags, trainSentences: trainSet.length, testSentences: testSet.length };
}
