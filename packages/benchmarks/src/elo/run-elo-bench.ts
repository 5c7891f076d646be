import { AbortedError, InvalidArgumentError, type Judge } from '@maria-ts/core';
import { type Battle, battlesFromScores, bootstrapRatings, type RatingInterval, scheduleFixtures } from '@maria-ts/elo';
import type { MariaModel } from '@maria-ts/fusion-head';
import { infill, type InfillMethod, type SamplingOptions } from '@maria-ts/kv-decoder';
import type { MaskedPrompt } from './masked-prompts.js';

/** The systems of Figure 4 and the infill method behind each (the ground truth has none). */
export const ELO_SYSTEMS: Readonly<Record<string, InfillMethod | null>> = {
  maria: 'maria',
  'mlm-ar-decode': 'mlm',
  diffusion: 'diffusion',
  'ar-only': 'ar',
  'ground-truth': null,
};

export interface EloBenchOptions {
  readonly model: MariaModel;
  readonly judge: Judge;
  readonly prompts: readonly MaskedPrompt[];
  /** Systems to rate (keys of `ELO_SYSTEMS`), default all five. */
  readonly systems?: readonly string[];
  /** Sampling of every system's fills (the same for all), default T = 1. */
  readonly sampling?: SamplingOptions;
  /** Denoising steps of the diffusion system (default: kv-decoder's, capped at one per masked token). */
  readonly diffusionSteps?: number;
  /** Fixtures judged, default every pair once per prompt on average (pairs × prompts). */
  readonly battles?: number;
  /** Bootstrap resamples, default 1000. */
  readonly rounds?: number;
  readonly confidence?: number;
  readonly seed?: number;
  /** Prompts per infill call, default 8. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: { readonly stage: 'infill' | 'judge'; readonly system?: string; readonly done: number; readonly total: number }) => void;
}

/** One leaderboard row. */
export interface EloRow extends RatingInterval {
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** Mean judge score of the system's texts (higher is better). */
  readonly meanScore: number;
  /** Seconds the system spent filling all prompts (0 for the ground truth). */
  readonly fillSeconds: number;
}

export interface EloBenchResult {
  readonly judge: string;
  readonly rows: readonly EloRow[];
  readonly battles: readonly Battle[];
  readonly confidence: number;
  readonly rounds: number;
  readonly separatedRounds: number;
  /** True when the full-data fit needed pseudo-ties (some system never lost or never won). */
  readonly separated: boolean;
  /** Which encoder the diffusion system denoised with ('mlm' when the model has no MDLM encoder). */
  readonly diffusionEncoder?: 'diffusion' | 'mlm';
  /** Every system's text for every prompt, in prompt order. */
  readonly texts: Readonly<Record<string, readonly string[]>>;
  readonly scores: Readonly<Record<string, readonly number[]>>;
}

function record(battles: readonly Battle[], system: string): { wins: number; losses: number; ties: number } {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const battle of battles) {
    if (battle.a !== system && battle.b !== system) continue;
    if (battle.outcome === 'tie') ties++;
    else if ((battle.outcome === 'a') === (battle.a === system)) wins++;
    else losses++;
  }
  return { wins, losses, ties };
}

/**
 * The infill-quality tournament of Figure 4: every system fills every prompt (same masks,
 * same sampling options, per-prompt seeds), the judge scores each text once, the balanced
 * seeded scheduler draws pairs on prompts, the higher score wins each fixture, and a
 * Bradley–Terry fit with bootstrap intervals rates the systems. A system that never loses
 * (or never wins) is fitted with pseudo-ties and the result says `separated`.
 */
export async function runEloBench(options: EloBenchOptions): Promise<EloBenchResult> {
  const { model, judge, prompts, signal } = options;
  const systems = [...(options.systems ?? Object.keys(ELO_SYSTEMS))];
  for (const system of systems) {
    if (!(system in ELO_SYSTEMS)) throw new InvalidArgumentError('--systems', system, `names from ${Object.keys(ELO_SYSTEMS).join(', ')}`);
  }
  if (new Set(systems).size !== systems.length || systems.length < 2) throw new InvalidArgumentError('--systems', systems.join(','), 'at least two distinct systems');
  if (prompts.length === 0) throw new InvalidArgumentError('prompts', 0, 'at least one prompt');
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 8;
  const texts: Record<string, string[]> = {};
  const fillSeconds: Record<string, number> = {};
  let diffusionEncoder: 'diffusion' | 'mlm' | undefined;

  for (const system of systems) {
    const method = ELO_SYSTEMS[system];
    if (!method) {
      texts[system] = prompts.map((prompt) => model.tokenizer.decode(prompt.truth));
      fillSeconds[system] = 0;
      continue;
    }
    const filled: string[] = [];
    const started = performance.now();
    for (let start = 0; start < prompts.length; start += batchSize) {
      if (signal?.aborted) throw new AbortedError('elo benchmark');
      const batch = prompts.slice(start, start + batchSize);
      // Seeds depend on the prompt only, so adding or dropping a system leaves the others' fills unchanged.
      const requests = batch.map((prompt, offset) => ({ ids: prompt.ids, masked: prompt.masked, seed: seed * 100_003 + start + offset }));
      const results = await infill(model, requests, {
        ...options.sampling,
        method,
        ...(options.diffusionSteps !== undefined ? { diffusionSteps: options.diffusionSteps } : {}),
        ...(signal ? { signal } : {}),
      });
      for (const result of results) {
        filled.push(model.tokenizer.decode(result.ids));
        if (result.encoder) diffusionEncoder = result.encoder;
      }
      options.onProgress?.({ stage: 'infill', system, done: filled.length, total: prompts.length });
    }
    texts[system] = filled;
    fillSeconds[system] = (performance.now() - started) / 1000;
  }

  const allTexts = systems.flatMap((system) => texts[system] as string[]);
  options.onProgress?.({ stage: 'judge', done: 0, total: allTexts.length });
  const flatScores = await judge.score(allTexts, signal ? { signal } : {});
  options.onProgress?.({ stage: 'judge', done: allTexts.length, total: allTexts.length });
  const scores: Record<string, number[]> = {};
  systems.forEach((system, index) => (scores[system] = flatScores.slice(index * prompts.length, (index + 1) * prompts.length)));

  const pairs = (systems.length * (systems.length - 1)) / 2;
  const fixtures = scheduleFixtures({ models: systems, count: options.battles ?? pairs * prompts.length, prompts: prompts.length, seed });
  const battles = battlesFromScores(
    fixtures.map((fixture) => ({
      a: fixture.a,
      b: fixture.b,
      scoreA: (scores[fixture.a] as number[])[fixture.prompt as number] as number,
      scoreB: (scores[fixture.b] as number[])[fixture.prompt as number] as number,
    })),
  );
  const confidence = options.confidence ?? 0.95;
  const bootstrap = bootstrapRatings(battles, { rounds: options.rounds ?? 1000, confidence, seed, models: systems, onSeparation: 'pseudo-ties' });
  const rows = bootstrap.intervals.map((interval) => {
    const own = scores[interval.model] as number[];
    return {
      ...interval,
      ...record(battles, interval.model),
      meanScore: own.reduce((sum, score) => sum + score, 0) / own.length,
      fillSeconds: fillSeconds[interval.model] as number,
    };
  });
  return {
    judge: judge.name,
    rows,
    battles,
    confidence: bootstrap.confidence,
    rounds: bootstrap.rounds,
    separatedRounds: bootstrap.separatedRounds,
    separated: bootstrap.fit.separated,
    ...(diffusionEncoder ? { diffusionEncoder } : {}),
    texts,
    scores,
  };
}
