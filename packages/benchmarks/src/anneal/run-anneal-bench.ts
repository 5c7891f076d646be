import { AbortedError, InvalidArgumentError } from '@maria-ts/core';
import { generate, mariaResampler, type TemperatureSchedule } from '@maria-ts/annealer';
import type { MariaModel } from '@maria-ts/fusion-head';
import { infill } from '@maria-ts/kv-decoder';
import type { ArJudgeModel } from '../judge-model/ar-judge-model.js';
import { perplexityOf, textLikelihoods } from '../judge-model/text-log-likelihood.js';
import { meanTokenEntropy } from './token-entropy.js';

export interface AnnealBenchOptions {
  readonly model: MariaModel;
  readonly judge: ArJudgeModel;
  /** N unconditional samples per setting. */
  readonly samples: number;
  /** Tokens per sample. */
  readonly length: number;
  /** MARIA annealing iteration counts K to compare (0 = the AR sample x⁰ alone). */
  readonly iterations: readonly number[];
  /** Denoising step counts of the masked-diffusion baseline. */
  readonly diffusionSteps: readonly number[];
  readonly remaskFraction?: number;
  readonly schedule?: TemperatureSchedule | string;
  readonly seed?: number;
  /**
   * Untimed runs of each method before measuring (default 1): the first calls compile wasm
   * kernels and warm the JIT, which made the first measured setting about 3× slower here.
   */
  readonly warmup?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: { readonly setting: string; readonly done: number; readonly total: number }) => void;
}

/** One point of Figure 5: a method at one setting, its mean wall-clock per sample and the judge's gen PPL. */
export interface AnnealBenchPoint {
  readonly method: 'maria-anneal' | 'diffusion';
  /** K for MARIA, the step count for diffusion. */
  readonly setting: number;
  /** Mean seconds to produce one sample (x⁰ sampling included for MARIA). */
  readonly seconds: number;
  /** exp(total judge NLL / total judge tokens) over the N samples. */
  readonly genPpl: number;
  readonly judgeTokens: number;
  /** Mean per-sample unigram entropy of the generated ids, in bits (low = repetitive; see `meanTokenEntropy`). */
  readonly entropy: number;
}

/** The annealing curve of the largest K: gen PPL of the N samples after each iteration. */
export interface AnnealTrajectoryPoint {
  readonly iteration: number;
  readonly temperature: number;
  readonly seconds: number;
  readonly genPpl: number;
  readonly entropy: number;
}

export interface AnnealBenchResult {
  readonly points: readonly AnnealBenchPoint[];
  readonly trajectory: { readonly iterations: number; readonly points: readonly AnnealTrajectoryPoint[] };
  /** Which encoder the diffusion baseline denoised with ('mlm' when the model has no MDLM encoder). */
  readonly diffusionEncoder?: 'diffusion' | 'mlm';
  /** A few decoded samples per setting, for reading. */
  readonly examples: Readonly<Record<string, readonly string[]>>;
}

const sampleSeed = (seed: number, sample: number) => seed * 100_003 + sample;

/**
 * Figure 5: generative perplexity of unconditional samples under a judge AR model against
 * wall-clock time, for MARIA annealing at several K and masked diffusion at several step
 * counts. Sample i of every setting uses the same seed, so MARIA's settings share x⁰.
 * Generation is timed alone; judge scoring happens afterwards and is not counted. The
 * trajectory re-scores every iteration of the largest K, so its first point is x⁰ (the AR
 * model at T = 1) and its last the final samples.
 */
export async function runAnnealBench(options: AnnealBenchOptions): Promise<AnnealBenchResult> {
  const { model, judge, samples, length, signal } = options;
  if (!Number.isInteger(samples) || samples < 1) throw new InvalidArgumentError('samples', samples, 'an integer >= 1');
  if (options.iterations.length === 0 && options.diffusionSteps.length === 0) throw new InvalidArgumentError('settings', 0, 'at least one K or diffusion step count');
  const seed = options.seed ?? 0;
  const score = async (texts: readonly string[]) => textLikelihoods(judge, texts, signal ? { signal } : {});
  const points: AnnealBenchPoint[] = [];
  const examples: Record<string, string[]> = {};
  const maxK = Math.max(-1, ...options.iterations);
  const trajectoryTokens: number[][][] = [];
  const trajectorySeconds: number[][] = [];
  const trajectoryTemperatures: number[] = [];
  const resampler = mariaResampler(model);
  const allMasked = Array.from({ length }, (_, i) => i);
  const diffusionSample = (steps: number, sample: number) =>
    infill(
      model,
      { ids: new Array<number>(length).fill(model.maskTokenId), masked: allMasked, seed: sampleSeed(seed, sample) },
      { method: 'diffusion', diffusionSteps: steps, temperature: 1, ...(signal ? { signal } : {}) },
    );
  const warmup = options.warmup ?? 1;
  if (!Number.isInteger(warmup) || warmup < 0) throw new InvalidArgumentError('warmup', warmup, 'an integer >= 0');
  for (let run = 0; run < warmup; run++) {
    if (options.iterations.length > 0) await generate(model, { length, iterations: 1, seed: sampleSeed(seed + 1, run), resampler, ...(signal ? { signal } : {}) });
    const [steps] = options.diffusionSteps;
    if (steps !== undefined) await diffusionSample(steps, run);
  }

  for (const iterations of options.iterations) {
    const texts: string[] = [];
    const generated: number[][] = [];
    let milliseconds = 0;
    for (let sample = 0; sample < samples; sample++) {
      if (signal?.aborted) throw new AbortedError('anneal benchmark');
      const tracked = iterations === maxK;
      const result = await generate(model, {
        length,
        iterations,
        seed: sampleSeed(seed, sample),
        resampler,
        ...(options.remaskFraction !== undefined ? { remaskFraction: options.remaskFraction } : {}),
        ...(options.schedule !== undefined ? { schedule: options.schedule } : {}),
        ...(signal ? { signal } : {}),
        ...(tracked
          ? {
              onIteration: (event) => {
                (trajectoryTokens[event.iteration] ??= []).push([...event.tokens]);
                (trajectorySeconds[event.iteration] ??= []).push(event.elapsedMs / 1000);
                trajectoryTemperatures[event.iteration] = event.temperature;
              },
            }
          : {}),
      });
      milliseconds += result.elapsedMs;
      texts.push(result.text);
      generated.push(result.tokens);
      options.onProgress?.({ setting: `maria K=${iterations}`, done: sample + 1, total: samples });
    }
    const scored = await score(texts);
    points.push({ method: 'maria-anneal', setting: iterations, seconds: milliseconds / 1000 / samples, genPpl: perplexityOf(scored), judgeTokens: scored.reduce((sum, s) => sum + s.tokens, 0), entropy: meanTokenEntropy(generated) });
    examples[`maria K=${iterations}`] = texts.slice(0, 3);
  }

  let diffusionEncoder: 'diffusion' | 'mlm' | undefined;
  for (const steps of options.diffusionSteps) {
    const texts: string[] = [];
    const generated: number[][] = [];
    let milliseconds = 0;
    for (let sample = 0; sample < samples; sample++) {
      if (signal?.aborted) throw new AbortedError('anneal benchmark');
      const started = performance.now();
      const result = await diffusionSample(steps, sample);
      milliseconds += performance.now() - started;
      diffusionEncoder = result.encoder ?? diffusionEncoder;
      texts.push(model.tokenizer.decode(result.ids));
      generated.push(result.ids);
      options.onProgress?.({ setting: `diffusion ${steps} steps`, done: sample + 1, total: samples });
    }
    const scored = await score(texts);
    points.push({ method: 'diffusion', setting: steps, seconds: milliseconds / 1000 / samples, genPpl: perplexityOf(scored), judgeTokens: scored.reduce((sum, s) => sum + s.tokens, 0), entropy: meanTokenEntropy(generated) });
    examples[`diffusion ${steps} steps`] = texts.slice(0, 3);
  }

  const trajectory: AnnealTrajectoryPoint[] = [];
  for (const [iteration, tokens] of trajectoryTokens.entries()) {
    const scored = await score(tokens.map((ids) => model.tokenizer.decode(ids)));
    const seconds = trajectorySeconds[iteration] as number[];
    trajectory.push({
      iteration,
      temperature: trajectoryTemperatures[iteration] as number,
      seconds: seconds.reduce((sum, s) => sum + s, 0) / seconds.length,
      genPpl: perplexityOf(scored),
      entropy: meanTokenEntropy(tokens),
    });
  }
  return { points, trajectory: { iterations: Math.max(0, maxK), points: trajectory }, ...(diffusionEncoder ? { diffusionEncoder } : {}), examples };
}
