import { type EngineInfo, InvalidArgumentError, Rng } from '@maria-ts/core';
import type { MariaModel } from '@maria-ts/fusion-head';
import { diffusionStepCount, infill, type InfillMethod, type InfillRequest } from '@maria-ts/kv-decoder';
import { median } from '../ops/timing.js';

/** One measured cell: a method at a sequence length. */
export interface ThroughputRow {
  readonly method: InfillMethod;
  readonly length: number;
  /** Filled (masked) tokens per second of wall time: masked tokens / median seconds of one infill. */
  readonly tokensPerSecond: number;
  /** Median wall time of one infill, seconds. */
  readonly seconds: number;
  readonly maskedTokens: number;
  /** Sequential decoder calls: |M| for maria and mlm, min(diffusionSteps, |M|) for diffusion. */
  readonly decoderCalls: number;
  /** Timed runs (after the warm-up runs). */
  readonly runs: number;
  /** For diffusion: `'mlm'` when the model has no diffusion encoder and the MLM stood in. */
  readonly encoder?: 'diffusion' | 'mlm';
}

/** Options of `runThroughputBench`. */
export interface ThroughputBenchOptions {
  readonly lengths: readonly number[];
  /** Fraction of positions masked, exactly round(rate · length) of them (at least one). */
  readonly maskRate: number;
  readonly methods: readonly InfillMethod[];
  /** Timed runs per cell; the median is reported. */
  readonly runs: number;
  /** Untimed runs before each cell (default 2). */
  readonly warmup?: number;
  readonly diffusionSteps: number;
  readonly seed?: number;
  /** Sampling temperature (default 1); 0 is greedy decoding, the PyTorch peer's setting. */
  readonly temperature?: number;
  /** Called before each cell, for progress. */
  readonly onMeasure?: (method: InfillMethod, length: number) => void;
  /** Injected clock (milliseconds), for tests. */
  readonly now?: () => number;
}

/**
 * A benchmark sequence of `length` tokens: seeded random ids that are not special tokens,
 * with exactly round(maskRate · length) positions (at least one) masked uniformly at
 * random. Throughput does not depend on which tokens they are, only on how many and where.
 */
export function throughputRequest(model: MariaModel, length: number, maskRate: number, seed: number): InfillRequest {
  const special = new Set(Object.values(model.tokenizer.specialTokens).filter((id): id is number => id !== undefined));
  special.add(model.maskTokenId);
  const rng = new Rng(seed);
  const ids = Array.from({ length }, () => {
    let id = rng.int(model.vocabSize);
    while (special.has(id)) id = rng.int(model.vocabSize);
    return id;
  });
  const count = Math.max(1, Math.round(maskRate * length));
  const masked = rng.shuffle(Array.from({ length }, (_, i) => i)).slice(0, count);
  return { ids, masked };
}

/**
 * Figure 3: filled tokens per second of MARIA (Algorithm 1) against the MLM AR-decode and
 * masked-diffusion baselines, one sequence at a time, per length. Each cell runs `warmup`
 * untimed infills, then `runs` timed ones, and reports the median. All methods sample at
 * `temperature` (default 1) from the same seeded stream and fill the same masked positions.
 */
export async function runThroughputBench(model: MariaModel, options: ThroughputBenchOptions): Promise<ThroughputRow[]> {
  const { lengths, maskRate, methods, runs, diffusionSteps } = options;
  const warmup = options.warmup ?? 2;
  if (!(maskRate > 0 && maskRate <= 1)) throw new InvalidArgumentError('mask rate', maskRate, 'a number in (0, 1]');
  if (!Number.isInteger(runs) || runs < 1) throw new InvalidArgumentError('runs', runs, 'an integer >= 1');
  const now = options.now ?? (() => performance.now());
  const seed = options.seed ?? 0;
  const rows: ThroughputRow[] = [];
  for (const length of lengths) {
    const request = throughputRequest(model, length, maskRate, seed + length);
    const maskedTokens = request.masked.length;
    for (const method of methods) {
      options.onMeasure?.(method, length);
      const infillOnce = () => infill(model, request, { method, seed, diffusionSteps, maxLength: length, temperature: options.temperature ?? 1 });
      for (let k = 0; k < warmup; k++) await infillOnce();
      const samples: number[] = [];
      let encoder: ThroughputRow['encoder'];
      for (let k = 0; k < runs; k++) {
        const start = now();
        const result = await infillOnce();
        samples.push((now() - start) / 1000);
        encoder = result.encoder;
      }
      const seconds = median(samples);
      rows.push({
        method,
        length,
        tokensPerSecond: Number((maskedTokens / seconds).toFixed(2)),
        seconds: Number(seconds.toFixed(4)),
        maskedTokens,
        decoderCalls: method === 'diffusion' ? diffusionStepCount(diffusionSteps, maskedTokens) : maskedTokens,
        runs,
        ...(encoder ? { encoder } : {}),
      });
    }
  }
  return rows;
}

/** MARIA's throughput over one baseline's at one length. */
export interface ThroughputRatio {
  readonly length: number;
  readonly baseline: InfillMethod;
  readonly mariaOverBaseline: number;
}

/** MARIA's throughput over each baseline's, per length (the goals: ≥ 20× MLM AR-decode at 512, > 1× diffusion). */
export function throughputRatios(rows: readonly ThroughputRow[]): ThroughputRatio[] {
  return rows
    .filter((row) => row.method !== 'maria')
    .flatMap((row) => {
      const maria = rows.find((other) => other.method === 'maria' && other.length === row.length);
      return maria ? [{ length: row.length, baseline: row.method, mariaOverBaseline: Number((maria.tokensPerSecond / row.tokensPerSecond).toFixed(2)) }] : [];
    });
}

/** What `maria-bench throughput` writes to throughput.json (and prints with --json). */
export interface ThroughputReport {
  readonly rows: ThroughputRow[];
  readonly ratios: ThroughputRatio[];
  readonly settings: { readonly maskRate: number; readonly runs: number; readonly warmup: number; readonly diffusionSteps: number; readonly model: string; readonly seed: number; readonly temperature: number };
  readonly environment: { readonly node: string; readonly cpus: number; readonly cpuModel: string; readonly loadAverage: number[]; readonly engine: EngineInfo; readonly date: string };
}
