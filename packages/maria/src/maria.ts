import { InvalidArgumentError, type EngineInfo, type Tokenizer } from '@maria-ts/core';
import { generate as anneal, mariaResampler, type GenerateIteration } from '@maria-ts/annealer';
import type { MariaModel } from '@maria-ts/fusion-head';
import {
  InfillBatcher,
  infillNBest,
  modelMaxLength,
  specialTokenIds,
  type FilledToken,
  type InfillBatcherStats,
  type InfillMethod,
  type InfillOptions,
  type InfillRequest,
  type InfillResult,
  type InfillToken,
} from '@maria-ts/kv-decoder';
import { parseMaskedText, type MaskSegment, type MaskedTextSegment } from '@maria-ts/masking';

/** Options of `Maria.fill`. */
export interface FillOptions {
  /** Token positions per `[MASK]`: one count for all, or one per marker (default 1). */
  readonly tokensPerMask?: number | readonly number[];
  /** `'maria'` (default, Algorithm 1) or a baseline: `'mlm'`, `'diffusion'`, `'ar'`. */
  readonly method?: InfillMethod;
  /** Sampling temperature ≥ 0 (default 1; 0 is greedy). */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  /** Seed of the sampling stream (default 0): the same seed gives the same fills. */
  readonly seed?: number;
  /**
   * Return the `nBest` most likely joint fills of all markers (beam search on the KV cache,
   * `maria` and `ar` only) instead of one sample; sampling options are then refused.
   */
  readonly nBest?: number;
  /** Hypotheses kept per masked position in n-best search (default `nBest`). */
  readonly beamWidth?: number;
  /** The whole-word rule (default true): see `@maria-ts/kv-decoder`'s `positionBans`. */
  readonly wholeWords?: boolean;
  /** Longest text accepted, in tokens (default: what the model supports). */
  readonly maxLength?: number;
  /** Denoising steps of the `diffusion` method. */
  readonly diffusionSteps?: number;
  readonly signal?: AbortSignal;
  /** Each filled token as soon as it is chosen (not called in n-best search). */
  readonly onToken?: (token: InfillToken) => void;
}

/** The fill of one `[MASK]` marker. */
export interface MaskFill {
  /** 0-based index of the marker in the text. */
  readonly marker: number;
  /** The decoded fill, with the space it took over from before the marker. */
  readonly text: string;
  /** Its tokens with their ids, pieces, positions and log-probabilities. */
  readonly tokens: FilledToken[];
  /** Sum of its tokens' log-probabilities. */
  readonly logProb: number;
}

/** One joint fill of every marker. */
export interface JointTextFill {
  readonly text: string;
  /** Total log-probability of every filled token (MARIA's left-to-right factorisation). */
  readonly logProb: number;
  readonly fills: MaskFill[];
  readonly tokens: number[];
}

/** The result of `Maria.fill`. */
export interface FillResult extends JointTextFill {
  /** The masked positions. */
  readonly masked: number[];
  /** Every filled position, ascending (the `maria infill --json` contract's `filled`). */
  readonly filled: FilledToken[];
  /** The text split into user text and fills, for highlighting. */
  readonly segments: { readonly kind: 'text' | 'fill'; readonly text: string }[];
  readonly method: InfillMethod;
  /** For `diffusion`: `'mlm'` when the model has no diffusion encoder and the MLM stood in. */
  readonly encoder?: 'diffusion' | 'mlm';
  /** With `nBest`: the joint fills, best first (the first is this result). */
  readonly nBest?: JointTextFill[];
}

/** Options of `Maria.score`. */
export interface ScoreOptions {
  /** Share of the text's tokens masked, in (0, 1] (default 0.15): exactly ⌈rate · n⌉ of them. */
  readonly rate?: number;
  /** Seed of the mask draw (default 0). */
  readonly seed?: number;
}

/** The result of `Maria.score`. */
export interface ScoreResult {
  /** exp(mean NLL) over the masked tokens: MARIA's exact masked perplexity. */
  readonly perplexity: number;
  /** Summed negative log-likelihood of the masked tokens, nats. */
  readonly negativeLogLikelihood: number;
  /** Number of masked tokens scored. */
  readonly tokens: number;
  /** The masked positions. */
  readonly masked: number[];
}

/** Options of `Maria.generate` (simulated annealing, ARCHITECTURE.md §1.8). */
export interface GenerateOptions {
  /** Tokens to generate. */
  readonly length: number;
  /** Annealing iterations K (default 10; 0 returns the AR sample). */
  readonly iterations?: number;
  /** Share of positions remasked per iteration (default 0.3). */
  readonly remask?: number;
  /** Temperature schedule name (default `'linear'`, 1 → 0). */
  readonly schedule?: string;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onIteration?: (event: GenerateIteration) => void;
}

/** The result of `Maria.generate`. */
export interface GenerateResult {
  readonly text: string;
  readonly tokens: number[];
  readonly temperatures: number[];
  readonly elapsedMs: number;
}

const SAMPLING_KEYS = ['temperature', 'topK', 'topP', 'onToken'] as const;

/**
 * A loaded MARIA model with the operations a user asks of it: fill `[MASK]`s in a text,
 * score a text's exact masked perplexity, generate text by annealing. Made by `loadMaria`;
 * `dispose()` frees its tensors.
 */
export class Maria {
  /** The model underneath, for the lower-level packages (`@maria-ts/kv-decoder`, `@maria-ts/eval`). */
  readonly model: MariaModel;
  /** The engine it runs on. */
  readonly engine: EngineInfo;
  /** What was loaded: `'model-tiny (embedded)'`, a directory, or `ar + mlm`. */
  readonly name: string;

  private batcher: InfillBatcher | null = null;

  constructor(model: MariaModel, engine: EngineInfo, name: string) {
    this.model = model;
    this.engine = engine;
    this.name = name;
  }

  get tokenizer(): Tokenizer {
    return this.model.tokenizer;
  }

  /** The longest text, in tokens, this model fills or scores. */
  get maxLength(): number {
    return modelMaxLength(this.model);
  }

  /**
   * Fills every `[MASK]` of `text` (one word per marker, `tokensPerMask` tokens each) and
   * returns the filled text, each marker's fill with its tokens and log-probabilities, and
   * with `nBest` the most likely joint fills. Typed errors: no marker, an empty text, a text
   * longer than the model takes, bad options (`InvalidArgumentError`), an aborted `signal`
   * (`AbortedError`).
   */
  async fill(text: string, options: FillOptions = {}): Promise<FillResult> {
    const { model } = this;
    const parsed = parseMaskedText(text, model.tokenizer, { tokensPerMask: options.tokensPerMask ?? 1, maskTokenId: model.maskTokenId });
    const spans = parsed.segments.filter((segment): segment is MaskSegment => segment.kind === 'mask');
    const request = { ids: parsed.ids, masked: parsed.masked, spans };
    const method = options.method ?? 'maria';
    const common = {
      wholeWords: options.wholeWords ?? true,
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    if (options.nBest !== undefined) {
      const given = SAMPLING_KEYS.filter((key) => options[key] !== undefined);
      if (given.length > 0) throw new InvalidArgumentError('nBest', options.nBest, `n-best search without sampling options (got ${given.join(', ')})`);
      if (method !== 'maria' && method !== 'ar') throw new InvalidArgumentError('method', method, "'maria' or 'ar' with nBest (the left-to-right methods)");
      const found = await infillNBest(model, request, { nBest: options.nBest, method, ...common, ...(options.beamWidth !== undefined ? { beamWidth: options.beamWidth } : {}) });
      const joint = found.map((fill) => this.describe(parsed.segments, fill.ids, fill.filled));
      const best = joint[0] as JointTextFill;
      return { ...best, masked: parsed.masked, filled: found[0]?.filled ?? [], segments: this.segments(parsed.segments, best.tokens), method, nBest: joint };
    }
    const result = await this.fillIds(request, {
      method,
      seed: options.seed ?? 0,
      ...common,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      ...(options.diffusionSteps !== undefined ? { diffusionSteps: options.diffusionSteps } : {}),
      ...(options.onToken ? { onToken: options.onToken } : {}),
    });
    const joint = this.describe(parsed.segments, result.ids, result.filled);
    return { ...joint, masked: result.masked, filled: result.filled, segments: this.segments(parsed.segments, result.ids), method: result.method, ...(result.encoder ? { encoder: result.encoder } : {}) };
  }

  /**
   * Infills one request given as token ids: `ids` with the `masked` positions to fill (their
   * ids are ignored), optionally the `[MASK]` words as `spans` (the whole-word rule) and the
   * request's own `seed`. This is the step of `fill` after it parses its text, for callers
   * that hold ids (the server); `fill` calls it, so both take one path. Returns
   * `@maria-ts/kv-decoder`'s `InfillResult`, with the same checks and typed errors as its `infill`.
   *
   * Concurrent calls on one `Maria` share decode steps (continuous batching, see
   * `InfillBatcher`): a call joins the running ones at their next step and leaves when its
   * last position is filled, whatever its length, position or sampling options. This applies
   * to `method: 'maria'` on AR backbones with a host decode step (Llama, OLMo); other methods
   * and backbones run one call at a time. Batching never changes a result: a call among others
   * fills the same tokens with the same log-probabilities as alone.
   */
  fillIds(request: InfillRequest, options: InfillOptions = {}): Promise<InfillResult> {
    this.batcher ??= new InfillBatcher(this.model);
    return this.batcher.infill(request, options);
  }

  /** Decode steps `fillIds` has run and how many requests shared them (`rows / ticks` is the mean batch). */
  get fillStats(): InfillBatcherStats {
    return this.batcher?.stats ?? { ticks: 0, rows: 0, largestTick: 0 };
  }

  /**
   * MARIA's exact masked perplexity of `text` (ARCHITECTURE.md §1.5): ⌈rate · n⌉ of its
   * tokens (special tokens never) are masked, drawn with `seed`, and scored in one AR and one
   * MLM pass. The same computation as `maria-bench ppl`'s `maria` rows, on one text.
   * Typed errors: a rate outside (0, 1], a text with no token or longer than the model takes.
   */
  async score(text: string, options: ScoreOptions = {}): Promise<ScoreResult> {
    const { model } = this;
    const rate = options.rate ?? 0.15;
    if (!(rate > 0 && rate <= 1)) throw new InvalidArgumentError('rate', rate, 'a number in (0, 1]');
    const ids = model.tokenizer.encode(text);
    if (ids.length === 0) throw new InvalidArgumentError('text', text, 'a text with at least one token');
    const limit = this.maxLength;
    if (ids.length > limit) throw new InvalidArgumentError('text', `${ids.length} tokens`, `at most ${limit} tokens (the longest sequence this model takes)`);
    // Loaded on first use: the eval package also holds the report and chart code, which filling never needs.
    const { drawEvaluationMasks, mariaExactNll } = await import('@maria-ts/eval');
    const [mask] = drawEvaluationMasks([ids], { rate, seed: options.seed ?? 0, specialIds: specialTokenIds(model) }) as [Uint8Array];
    const { nll, tokens } = mariaExactNll(model, { ids: [ids], masks: [mask] });
    const total = nll[0] as number;
    const count = tokens[0] as number;
    const masked: number[] = [];
    mask.forEach((bit, position) => (bit ? masked.push(position) : undefined));
    return { perplexity: Math.exp(total / count), negativeLogLikelihood: total, tokens: count, masked };
  }

  /** Unconditional text by simulated annealing (ARCHITECTURE.md §1.8): an AR sample, then K MARIA remask-and-resample rounds. */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const { model } = this;
    const limit = Math.min(this.maxLength, model.ar.info.maxPositions - 1);
    if (!Number.isInteger(options.length) || options.length < 1 || options.length > limit) throw new InvalidArgumentError('length', options.length, `an integer from 1 to ${limit} (the longest sequence this model takes)`);
    const result = await anneal(model, {
      length: options.length,
      iterations: options.iterations ?? 10,
      remaskFraction: options.remask ?? 0.3,
      schedule: options.schedule ?? 'linear',
      seed: options.seed ?? 0,
      resampler: mariaResampler(model),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onIteration ? { onIteration: options.onIteration } : {}),
    });
    return { text: result.text, tokens: result.tokens, temperatures: result.temperatures, elapsedMs: result.elapsedMs };
  }

  /** Frees the model's tensors; the object is unusable afterwards. */
  dispose(): void {
    this.batcher?.dispose(); // requests in flight fail with AbortedError
    this.batcher = null;
    this.model.dispose();
  }

  private describe(segments: readonly MaskedTextSegment[], ids: readonly number[], filled: readonly FilledToken[]): JointTextFill {
    const decode = (from: number, to: number) => this.model.tokenizer.decode(ids.slice(from, to));
    const fills = segments
      .filter((segment): segment is MaskSegment => segment.kind === 'mask')
      .map((segment) => {
        const tokens = filled.filter((token) => token.index >= segment.start && token.index < segment.end);
        return { marker: segment.index, text: decode(segment.start, segment.end), tokens, logProb: tokens.reduce((sum, token) => sum + token.logProb, 0) };
      });
    return { text: this.model.tokenizer.decode([...ids]), logProb: filled.reduce((sum, token) => sum + token.logProb, 0), fills, tokens: [...ids] };
  }

  private segments(segments: readonly MaskedTextSegment[], ids: readonly number[]): { kind: 'text' | 'fill'; text: string }[] {
    return segments.map((segment) => ({ kind: segment.kind === 'mask' ? 'fill' : 'text', text: this.model.tokenizer.decode(ids.slice(segment.start, segment.end)) }));
  }
}
