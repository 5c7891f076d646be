import { AbortedError, InvalidArgumentError, POOL_MIN_ROWS, RowProduct } from '@maria-ts/core';
import type { ARChunk, KVCache, MariaModel } from '@maria-ts/core';
import type { TokenSampler } from '../sampling/sample-token.js';
import { chooseTokens } from './infill-decoder.js';
import type { InfillRow } from './infill-row.js';
import type { InfillOptions, InfillRequest, InfillResult, InfillToken } from './infill-types.js';
import { checkInfill, infill, pacedTurns, rowResult } from './infill.js';
import { addMlmHalf, maskedMlmLogits, type MaskedMlmLogits } from './maria-decoder.js';

/**
 * While requests are decoding, requests that arrive wait up to `ADMIT_EVERY` ticks, or until
 * `ADMIT_TOGETHER` of them wait, and then join together: their MLM passes run as one (one
 * pass per length), which is where batching saves most. A short text's MLM pass costs several
 * decode ticks on the embedded model (measured on wasm, one thread: 13 tokens, 1 row ~35 ms,
 * 4 rows ~95 ms), so a few ticks of waiting are cheaper than a pass alone. With nothing
 * decoding a request starts at the next tick.
 */
const ADMIT_EVERY = 3;
const ADMIT_TOGETHER = 4;

/** One request in the batcher: its row, where it is in Algorithm 1, and how to answer it. */
interface Member {
  readonly row: InfillRow;
  readonly sampler: TokenSampler;
  readonly signal: AbortSignal | undefined;
  readonly onToken: ((token: InfillToken) => void) | undefined;
  readonly resolve: (result: InfillResult) => void;
  readonly reject: (error: unknown) => void;
  /** Made when the request joins a tick: the MLM half at its masked positions, its own cache. */
  mlm: MaskedMlmLogits | null;
  cache: KVCache | null;
  /** AR inputs read so far (input 0 is BOS, input j > 0 is x_{j−1}). */
  fed: number;
  /** How many of `row.masked` are filled. */
  next: number;
}

/** What the batcher has done, for metrics and tests. */
export interface InfillBatcherStats {
  /** Decode steps run (one AR step over every active request's chunk). */
  readonly ticks: number;
  /** Request-steps summed over ticks: `rows / ticks` is the mean batch. */
  readonly rows: number;
  /** The most requests that shared one tick. */
  readonly largestTick: number;
}

/**
 * Continuous batching of MARIA's Algorithm 1 (ARCHITECTURE.md §1.6) across concurrent
 * `infill` calls on one model. Each request keeps its own KV cache and position; every tick
 * advances each active request by its next chunk (the token filled at its last masked
 * position and the unmasked run after it, up to its next masked position) through one
 * `ARBackbone.stepChunks` call, so each layer's products, and then the head's AR half, run
 * once over the rows of all requests while attention reads each request's own cache. A
 * request joins at the next tick (after its MLM pass, shared by the requests joining together)
 * and leaves when its last position is filled, so requests at different positions, lengths
 * and sampling options share steps.
 *
 * Batching never changes a result: a request's tokens, log-probabilities and stream are
 * those of `infill` on it alone (on wasm the states are bit-identical; see `stepChunks`).
 * A cancelled request (`signal`) leaves at the next tick with `AbortedError`; a request that
 * fails (its callback throws, its step is refused) fails alone while the others go on.
 *
 * Only `method: 'maria'` on an AR backbone with `stepChunks` (the host-step families) is
 * batched; every other call runs `infill` as before, one call at a time.
 */
export class InfillBatcher {
  private readonly model: MariaModel;
  private readonly waiting: Member[] = [];
  private active: Member[] = [];
  private arHalf: RowProduct | null = null;
  private running = false;
  private disposed = false;
  private ticksSinceAdmission = 0;
  private counts = { ticks: 0, rows: 0, largestTick: 0 };

  constructor(model: MariaModel) {
    this.model = model;
  }

  /** Whether `model`'s AR backbone can step several requests' chunks at once. */
  static supports(model: MariaModel): boolean {
    return model.ar.canStepChunks === true && typeof model.ar.stepChunks === 'function';
  }

  /** Requests decoding now, and waiting for the next tick. */
  get size(): number {
    return this.active.length + this.waiting.length;
  }

  get stats(): InfillBatcherStats {
    return { ...this.counts };
  }

  /**
   * Infills one request: the same checks, result and token stream as `infill(model,
   * request, options)`, sharing decode steps with every other request in flight here.
   */
  async infill(request: InfillRequest, options: InfillOptions = {}): Promise<InfillResult> {
    if (this.disposed) throw new InvalidArgumentError('InfillBatcher', 'disposed', 'a batcher that has not been disposed');
    if ((options.method ?? 'maria') !== 'maria' || !InfillBatcher.supports(this.model)) return infill(this.model, request, options);
    const { sampler, rows } = checkInfill(this.model, [request], options);
    const row = rows[0] as InfillRow;
    if (options.signal?.aborted) throw new AbortedError('infill');
    if (row.masked.length === 0) return rowResult(this.model, row, 'maria');
    return new Promise<InfillResult>((resolve, reject) => {
      this.waiting.push({ row, sampler, signal: options.signal, onToken: options.onToken, resolve, reject, mlm: null, cache: null, fed: 0, next: 0 });
      if (!this.running) void this.run();
    });
  }

  /** Fails every request in flight with `AbortedError` and frees the batcher's buffers; later calls are refused. */
  dispose(): void {
    this.disposed = true;
    for (const member of [...this.waiting.splice(0), ...this.active.splice(0)]) this.fail(member, new AbortedError('infill (the model was disposed)'));
    this.arHalf?.dispose();
    this.arHalf = null;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      const turn = pacedTurns();
      while (this.waiting.length > 0 || this.active.length > 0) {
        await turn(); // timers, I/O, new requests and aborts run between ticks, once per DECODE_TURN_INTERVAL_MS of decoding
        try {
          this.tick();
        } catch (error) {
          for (const member of this.active.splice(0)) this.fail(member, error); // a bug, not a request's fault: nothing may hang
        }
      }
    } finally {
      this.running = false;
      this.arHalf?.dispose(); // idle: the batcher holds no tensor between bursts
      this.arHalf = null;
    }
  }

  /** Admits the waiting requests, drops the cancelled ones, and advances every active request by one chunk. */
  private tick(): void {
    const waiting = this.waiting.filter((member) => {
      if (!member.signal?.aborted) return true;
      this.fail(member, new AbortedError('infill'));
      return false;
    });
    this.waiting.length = 0;
    this.ticksSinceAdmission++;
    if (this.active.length === 0 || waiting.length >= ADMIT_TOGETHER || this.ticksSinceAdmission >= ADMIT_EVERY) {
      this.admit(waiting);
      this.ticksSinceAdmission = 0;
    } else {
      this.waiting.push(...waiting);
    }
    this.active = this.active.filter((member) => {
      if (!member.signal?.aborted) return true;
      this.fail(member, new AbortedError('infill'));
      return false;
    });
    if (this.active.length === 0) return;
    const members = this.active;
    const states = this.step(members);
    const stepped = members.filter((_, k) => states[k] !== null);
    if (stepped.length === 0) return;
    const width = this.model.head.arHiddenSize;
    const last = new Float32Array(stepped.length * width);
    stepped.forEach((member, k) => {
      const hidden = states[members.indexOf(member)] as Float32Array;
      last.set(hidden.subarray(hidden.length - width), k * width);
    });
    this.arHalf ??= new RowProduct(this.model.head.variables().arWeight, null, POOL_MIN_ROWS - 1);
    const arHalf = this.arHalf.runShared(last, stepped.length); // each member's row becomes its logits in place
    this.counts.ticks++;
    this.counts.rows += stepped.length;
    this.counts.largestTick = Math.max(this.counts.largestTick, stepped.length);
    const vocab = this.model.vocabSize;
    stepped.forEach((member, k) => this.choose(member, arHalf.subarray(k * vocab, (k + 1) * vocab)));
  }

  /**
   * The joiners' MLM halves from one `maskedMlmLogits` call (one MLM pass per group of equal
   * length, one head product over all their masked positions), then their caches; if that
   * call fails, each joiner alone, so one bad request fails only itself.
   */
  private admit(joiners: readonly Member[]): void {
    if (joiners.length === 0) return;
    let shared: MaskedMlmLogits | null = null;
    if (joiners.length > 1) {
      try {
        shared = maskedMlmLogits(this.model, joiners.map((member) => member.row));
      } catch {
        shared = null; // retried one by one below
      }
    }
    joiners.forEach((member, k) => {
      try {
        const own: MaskedMlmLogits = shared ? { values: shared.values, slot: (_row, position) => (shared as MaskedMlmLogits).slot(k, position), arScale: () => (shared as MaskedMlmLogits).arScale(k) } : maskedMlmLogits(this.model, [member.row]);
        member.cache = this.model.ar.createCache(1, (member.row.masked.at(-1) as number) + 1);
        member.mlm = own;
        this.active.push(member);
      } catch (error) {
        this.fail(member, error);
      }
    });
  }

  /** Each member's chunk states from one `stepChunks` call; when it throws, each member alone, so one refused chunk fails only its request. */
  private step(members: readonly Member[]): (Float32Array | null)[] {
    const chunks = members.map((member) => this.chunk(member));
    const ar = this.model.ar;
    const stepChunks = (some: readonly ARChunk[]): Float32Array[] => {
      if (!ar.stepChunks) throw new InvalidArgumentError('AR backbone', ar.info.family, 'a backbone with stepChunks');
      return ar.stepChunks(some, { lastOnly: true });
    };
    try {
      return stepChunks(chunks);
    } catch (error) {
      if (members.length === 1) {
        this.fail(members[0] as Member, error);
        return [null];
      }
    }
    return members.map((member, k) => {
      try {
        return stepChunks([chunks[k] as ARChunk])[0] as Float32Array;
      } catch (error) {
        this.fail(member, error);
        return null;
      }
    });
  }

  /** The AR inputs from what `member` has read up to its next masked position p: its last state is h_AR(p − 1). */
  private chunk(member: Member): ARChunk {
    const { row } = member;
    const position = row.masked[member.next] as number;
    const ids = new Int32Array(position + 1 - member.fed);
    for (let j = 0; j < ids.length; j++) {
      const input = member.fed + j;
      ids[j] = input === 0 ? this.model.ar.bosTokenId : (row.tokens[input - 1] as number);
    }
    return { ids, cache: member.cache as KVCache };
  }

  /** Samples `member`'s next masked position from the AR half plus its MLM half (as the fusion gate scales them, if any), streams it, and finishes the request after its last one. */
  private choose(member: Member, arHalf: Float32Array): void {
    const { row } = member;
    const position = row.masked[member.next] as number;
    const vocab = this.model.vocabSize;
    try {
      addMlmHalf(arHalf, member.mlm as MaskedMlmLogits, 0, position); // the member's row of this tick's product becomes its logits
      const [token] = chooseTokens([row], [{ row: 0, index: position }], arHalf, vocab, member.sampler);
      const step = member.next;
      member.fed = position + 1;
      member.next++;
      if (token) member.onToken?.({ request: 0, index: token.index, id: token.id, piece: this.model.tokenizer.decode([token.id]), logProb: row.logProbs[token.index] as number, step });
    } catch (error) {
      this.fail(member, error);
      return;
    }
    if (member.next === row.masked.length) {
      this.leave(member);
      member.resolve(rowResult(this.model, row, 'maria'));
    }
  }

  private leave(member: Member): void {
    member.cache?.dispose();
    member.cache = null;
    member.mlm = null;
    this.active = this.active.filter((other) => other !== member);
  }

  private fail(member: Member, error: unknown): void {
    this.leave(member);
    member.reject(error);
  }
}
