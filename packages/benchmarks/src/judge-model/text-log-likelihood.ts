import * as tf from '@tensorflow/tfjs';
import { AbortedError, InputTooLongError, InvalidArgumentError, softmaxCrossEntropy } from '@maria-ts/core';
import type { ArJudgeModel } from './ar-judge-model.js';

/** A text's negative log-likelihood under the judge, summed over its tokens (natural log). */
export interface TextLikelihood {
  readonly nll: number;
  readonly tokens: number;
}

export interface TextLikelihoodOptions {
  /** Texts per forward pass, default 8 (right-padded; causal attention makes padding invisible). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * Scores texts under a judge AR model by teacher forcing: each text is re-encoded with the
 * judge's tokenizer, read after the judge's BOS, and every token's `-log p(x_i | x_<i)` is
 * summed. Texts of a batch are right-padded: in a causal model a real position never attends
 * to the padding after it, so each text's scores equal those of scoring it alone. An empty
 * text, or one longer than the judge's positions, is refused.
 */
export async function textLikelihoods(judge: ArJudgeModel, texts: readonly string[], options: TextLikelihoodOptions = {}): Promise<TextLikelihood[]> {
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', batchSize, 'an integer >= 1');
  const { backbone, tokenizer } = judge;
  const encoded = texts.map((text, index) => {
    const ids = tokenizer.encode(text);
    if (ids.length === 0) throw new InvalidArgumentError(`text ${index}`, text, 'a text with at least one token');
    if (ids.length > backbone.info.maxPositions) throw new InputTooLongError(`judge input (text ${index})`, ids.length, backbone.info.maxPositions);
    return ids;
  });
  const results: TextLikelihood[] = [];
  for (let start = 0; start < encoded.length; start += batchSize) {
    if (options.signal?.aborted) throw new AbortedError('judge scoring');
    const batch = encoded.slice(start, start + batchSize);
    const width = Math.max(...batch.map((ids) => ids.length));
    const inputs = batch.map((ids) => [backbone.bosTokenId, ...ids.slice(0, -1), ...new Array<number>(width - ids.length).fill(backbone.bosTokenId)]);
    const flatLabels: number[] = [];
    batch.forEach((ids) => flatLabels.push(...ids, ...new Array<number>(width - ids.length).fill(0)));
    const losses = tf.tidy(() => {
      const logits = backbone.forward(tf.tensor2d(inputs, [batch.length, width], 'int32'), { returnLogits: true }).logits;
      if (!logits) throw new InvalidArgumentError('judge backbone', backbone.info.family, 'a backbone with a vocab projection');
      return softmaxCrossEntropy(logits.reshape([batch.length * width, logits.shape[2]]), tf.tensor1d(flatLabels, 'int32'));
    });
    const perToken = (await losses.data()) as Float32Array;
    losses.dispose();
    batch.forEach((ids, row) => {
      let nll = 0;
      for (let i = 0; i < ids.length; i++) nll += perToken[row * width + i] as number;
      results.push({ nll, tokens: ids.length });
    });
  }
  return results;
}

/** Corpus-level perplexity of scored texts: exp(total NLL / total tokens), as generative-PPL evaluations report it. */
export function perplexityOf(scores: readonly TextLikelihood[]): number {
  const tokens = scores.reduce((sum, score) => sum + score.tokens, 0);
  if (tokens === 0) throw new InvalidArgumentError('scores', scores.length, 'at least one scored token');
  return Math.exp(scores.reduce((sum, score) => sum + score.nll, 0) / tokens);
}
