import { InvalidArgumentError } from '@maria-ts/core';

/** The effective batch (sequences per optimiser step) of the paper's head training. */
export const PAPER_EFFECTIVE_BATCH = 32;

/**
 * The settings a head preset fixes. The schedule's shape (linear warm-up, cosine decay, AdamW)
 * is the trainer's only one, so a preset names just the numbers.
 */
export interface HeadPresetSettings {
  readonly lr: number;
  readonly batch: number;
  readonly accumulation: number;
  readonly maskAlpha: number;
  readonly maskBeta: number;
}

/**
 * `--preset paper`: the MARIA paper's head recipe — masking rate r ~ Beta(2.5, 2.5), AdamW at lr
 * 5e-5 with cosine decay, and an effective batch of 32 sequences made of 4 micro-batches of 8,
 * so that it fits in memory on any machine that runs the default batch.
 */
export const HEAD_PRESETS = {
  paper: { lr: 5e-5, batch: 8, accumulation: PAPER_EFFECTIVE_BATCH / 8, maskAlpha: 2.5, maskBeta: 2.5 },
} as const satisfies Record<string, HeadPresetSettings>;

export type HeadPresetName = keyof typeof HEAD_PRESETS;

/** Validates a `--preset` value. */
export function parseHeadPreset(value: string): HeadPresetName {
  if (Object.hasOwn(HEAD_PRESETS, value)) return value as HeadPresetName;
  throw new InvalidArgumentError('--preset', value, Object.keys(HEAD_PRESETS).join(' | '));
}

/**
 * Applies a preset to parsed flags. A flag given on the command line (named in `given`, by its
 * settings key) always wins over the preset, so `--preset paper --mask-alpha 1` keeps the rest of
 * the recipe. The effective batch is kept when only one of `--batch` and `--accumulation` is
 * given: the other becomes 32 divided by it, and a value that does not divide 32 is refused
 * rather than silently changing the recipe's batch.
 */
export function applyHeadPreset<T extends HeadPresetSettings>(flags: T, preset: HeadPresetName | undefined, given: ReadonlySet<keyof HeadPresetSettings>): T {
  if (preset === undefined) return flags;
  const settings: HeadPresetSettings = HEAD_PRESETS[preset];
  const pick = <K extends keyof HeadPresetSettings>(key: K): HeadPresetSettings[K] => (given.has(key) ? flags[key] : settings[key]);
  let batch = pick('batch');
  let accumulation = pick('accumulation');
  const effective = settings.batch * settings.accumulation;
  if (given.has('batch') && !given.has('accumulation')) {
    if (effective % batch !== 0) throw new InvalidArgumentError('--batch', batch, `a divisor of ${effective} with --preset ${preset} (or give --accumulation too)`);
    accumulation = effective / batch;
  } else if (given.has('accumulation') && !given.has('batch')) {
    if (effective % accumulation !== 0) throw new InvalidArgumentError('--accumulation', accumulation, `a divisor of ${effective} with --preset ${preset} (or give --batch too)`);
    batch = effective / accumulation;
  }
  return { ...flags, lr: pick('lr'), batch, accumulation, maskAlpha: pick('maskAlpha'), maskBeta: pick('maskBeta') };
}
