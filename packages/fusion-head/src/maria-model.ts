import * as tf from '@tensorflow/tfjs';
import {
  type AlignedStates,
  type ARBackbone,
  type FusionHead,
  type MariaModel as MariaModelSpec,
  InvalidArgumentError,
  type MLMBackbone,
  onSequencePassEngine,
  ShapeMismatchError,
  type Tokenizer,
  TokenizerMismatchError,
} from '@maria-ts/core';
import type { FractionGate } from './fraction-gate.js';
import { BANNED_LOGIT, LinearFusionHead } from './linear-fusion-head.js';
import { identityVocabularyMap, type VocabularyMap, vocabularyMap } from './vocabulary-map.js';

/** The parts of a MARIA model: two frozen backbones on one tokenizer, and the fusion head. */
export interface MariaModelParts {
  readonly ar: ARBackbone;
  readonly mlm: MLMBackbone;
  readonly head: FusionHead;
  readonly tokenizer: Tokenizer;
  /**
   * The MLM's own tokenizer when it adds tokens to the shared one (ModernBERT's `[CLS]`,
   * `[SEP]`, `[MASK]` beside OLMo-1's vocabulary): its `[CLS] … [SEP]` frame the MLM input.
   * It may also hold the shared tokenizer's tokens at permuted ids (see `vocabularyMap`):
   * then the MLM reads its input translated through the map and the head's ids the MLM
   * lacks are banned. Default: the shared tokenizer.
   */
  readonly mlmTokenizer?: Tokenizer;
  /** An optional MDLM-trained encoder on the same tokenizer: the masked-diffusion baseline. */
  readonly diffusion?: MLMBackbone;
  /** An opt-in fusion gate from the masked fraction (see `FractionGate`); the model owns it. Default: plain MARIA. */
  readonly gate?: FractionGate;
}


/**
 * A MARIA model: a frozen AR backbone and a frozen MLM backbone sharing one tokenizer, and a
 * fusion head over their concatenated hidden states (ARCHITECTURE.md §1.2).
 *
 * This class owns the one piece every consumer must get exactly right, the alignment:
 * - the AR model reads `[BOS, x_0, …, x_{T-2}]`, so its state at row i has seen exactly x_<i;
 * - the MLM reads x̃ (the caller's ids with the mask token at masked positions), wrapped in
 *   `[CLS] … [SEP]` when the MLM's tokenizer defines both, and that framing is stripped again, so
 *   row i of both states indexes token i.
 *
 * The model owns its parts: `dispose()` frees the backbones and the head.
 */
export class MariaModel implements MariaModelSpec {
  readonly ar: ARBackbone;
  readonly mlm: MLMBackbone;
  readonly head: FusionHead;
  readonly tokenizer: Tokenizer;
  /** The MLM's own tokenizer (see `MariaModelParts.mlmTokenizer`); the shared one when it has none. */
  readonly mlmTokenizer: Tokenizer;
  readonly diffusion: MLMBackbone | undefined;
  readonly gate: FractionGate | undefined;
  /** Head (AR) id → MLM id, from the two tokenizers; the identity for one shared tokenizer. */
  readonly vocabularyMap: VocabularyMap;
  /** x̃ (head ids, the MLM's mask id at masked positions) → the MLM's ids; null when they are the same ids. */
  private readonly mlmInputIds: Int32Array | null;

  constructor(parts: MariaModelParts) {
    if (parts.head.arHiddenSize !== parts.ar.info.hiddenSize) {
      throw new ShapeMismatchError('fusion head AR width vs AR backbone hidden size', [parts.head.arHiddenSize], [parts.ar.info.hiddenSize]);
    }
    if (parts.head.mlmHiddenSize !== parts.mlm.info.hiddenSize) {
      throw new ShapeMismatchError('fusion head MLM width vs MLM backbone hidden size', [parts.head.mlmHiddenSize], [parts.mlm.info.hiddenSize]);
    }
    this.ar = parts.ar;
    this.mlm = parts.mlm;
    this.head = parts.head;
    this.tokenizer = parts.tokenizer;
    this.mlmTokenizer = parts.mlmTokenizer ?? parts.tokenizer;
    this.diffusion = parts.diffusion;
    this.gate = parts.gate;
    this.vocabularyMap = this.mlmTokenizer === this.tokenizer ? identityVocabularyMap(this.head.vocabSize) : vocabularyMap(this.tokenizer, this.mlmTokenizer, 'the shared tokenizer', 'the MLM tokenizer');
    // The diffusion encoder reads and predicts the head's ids as they are (no translation table of its
    // own), so beside an MLM whose ids differ from the head's its input and logits would not line up.
    if (parts.diffusion && !this.vocabularyMap.identity) {
      throw new TokenizerMismatchError('the shared tokenizer', 'the MLM tokenizer', 'the MLM holds the tokens at other ids, and a diffusion encoder is only supported when the MLM uses the shared ids; load the model without its diffusion encoder');
    }
    this.mlmInputIds = this.vocabularyMap.identity ? null : this.mlmInputTable();
    if (this.vocabularyMap.banned.length > 0) {
      if (!(this.head instanceof LinearFusionHead)) throw new InvalidArgumentError('head', 'a head that cannot ban ids', `a LinearFusionHead (ids ${this.vocabularyMap.banned.slice(0, 3).join(', ')}… have no MLM token)`);
      this.head.banIds(this.vocabularyMap.banned);
    }
  }

  /**
   * The translation of the MLM's input for permuted ids: head id i becomes the MLM's id of the
   * same token, the MLM's mask id stays itself (x̃ carries it at masked positions, so a head id
   * equal to it must be the mask token too: anything else is refused as ambiguous), and a head
   * id the MLM lacks becomes the MLM's `[MASK]` (the MLM reads that position as unknown).
   */
  private mlmInputTable(): Int32Array {
    const { toOther } = this.vocabularyMap;
    const mask = this.mlm.maskTokenId;
    if (mask < toOther.length && toOther[mask] !== mask) {
      throw new InvalidArgumentError('MLM mask id', mask, `an id that is the mask token in both tokenizers or past the head's ${toOther.length} ids (x̃ carries it at masked positions)`);
    }
    const table = new Int32Array(Math.max(toOther.length, mask + 1));
    toOther.forEach((row, id) => {
      table[id] = row >= 0 ? row : mask;
    });
    table[mask] = mask;
    return table;
  }

  /** The id written at masked positions of the MLM's input. */
  get maskTokenId(): number {
    return this.mlm.maskTokenId;
  }

  /** The vocabulary the head predicts over (the shared tokenizer's ids). */
  get vocabSize(): number {
    return this.head.vocabSize;
  }

  /**
   * `h_AR(i-1)` for every position of clean int32 ids [batch, length]: one AR forward over
   * the ids shifted right by one with BOS in front. Returns [batch, length, dAR].
   */
  arStates(ids: tf.Tensor2D): tf.Tensor3D {
    const [batch, length] = ids.shape;
    if (length < 1) throw new InvalidArgumentError('ids', ids.shape, 'at least one position');
    return tf.tidy(() => {
      const bos = tf.fill([batch, 1], this.ar.bosTokenId, 'int32') as tf.Tensor2D;
      const shifted = length > 1 ? tf.concat([bos, ids.slice([0, 0], [batch, length - 1])], 1) : bos;
      return this.ar.forward(shifted as tf.Tensor2D).hidden;
    });
  }

  /**
   * `h_MLM(i)` for every position of the masked input x̃ [batch, length] (int32, mask token at
   * masked positions), using `encoder` (default the MLM; pass `diffusion` for the baseline).
   * Adds and strips `[CLS] … [SEP]` framing when the MLM's tokenizer has both, and translates
   * head ids to the MLM's through the `vocabularyMap` when they differ. Returns [batch, length, d].
   * On the `hybrid` engine the pass runs on native TensorFlow (`onSequencePassEngine`).
   */
  mlmStates(maskedIds: tf.Tensor2D, encoder: MLMBackbone = this.mlm): tf.Tensor3D {
    const { cls, sep } = this.mlmTokenizer.specialTokens;
    const [batch, length] = maskedIds.shape;
    const table = encoder === this.mlm ? this.mlmInputIds : null;
    return onSequencePassEngine(() => tf.tidy(() => {
      if (table !== null) maskedIds = tf.gather(tf.tensor1d(table, 'int32'), maskedIds) as unknown as tf.Tensor2D;
      if (cls === undefined || sep === undefined) return encoder.forward(maskedIds).hidden;
      const framed = tf.concat([tf.fill([batch, 1], cls, 'int32'), maskedIds, tf.fill([batch, 1], sep, 'int32')], 1) as tf.Tensor2D;
      const hidden = encoder.forward(framed).hidden;
      return hidden.slice([0, 1, 0], [batch, length, hidden.shape[2]]);
    }));
  }

  /**
   * The MLM's own logits for MLM states [N, d] over the head's ids [N, vocab]: its first
   * `vocabSize` columns when the ids are shared, else its columns gathered through the
   * `vocabularyMap` with banned ids at `BANNED_LOGIT`. For the MLM-only baselines, which must
   * score and sample the same ids as MARIA.
   */
  mlmVocabLogits(hMLM: tf.Tensor2D): tf.Tensor2D {
    const vocab = this.head.vocabSize;
    return tf.tidy(() => {
      const logits = this.mlm.project(hMLM) as tf.Tensor2D;
      const map = this.vocabularyMap;
      if (map.identity) return logits.shape[1] === vocab ? logits : logits.slice([0, 0], [logits.shape[0], vocab]);
      const gathered = tf.gather(logits, tf.tensor1d(map.toOther.map((row) => Math.max(row, 0)), 'int32'), 1) as tf.Tensor2D;
      if (map.banned.length === 0) return gathered;
      const ban = new Float32Array(vocab);
      for (const id of map.banned) ban[id] = BANNED_LOGIT;
      return tf.add(gathered, tf.tensor1d(ban)) as tf.Tensor2D;
    });
  }

  /** Both aligned states of a batch: clean ids for the AR model, masked ids x̃ for the MLM. */
  alignedStates(cleanIds: tf.Tensor2D, maskedIds: tf.Tensor2D): AlignedStates {
    if (cleanIds.shape[0] !== maskedIds.shape[0] || cleanIds.shape[1] !== maskedIds.shape[1]) {
      throw new ShapeMismatchError('clean ids vs masked ids', maskedIds.shape, cleanIds.shape);
    }
    return { hAR: this.arStates(cleanIds), hMLM: this.mlmStates(maskedIds) };
  }

  /**
   * Head logits [N, vocab] at the flat positions `indices` (b·length + i) of a batch, in one
   * pass: gathers the aligned rows of both states and applies the head once. With a `gate`,
   * `fractions[k]` is the masked fraction of the sequence of position k (refused without).
   */
  logitsAt(states: AlignedStates, indices: ArrayLike<number>, fractions?: ArrayLike<number>): tf.Tensor2D {
    const gate = this.gate;
    if (gate && fractions?.length !== indices.length) {
      throw new InvalidArgumentError('fractions', fractions === undefined ? 'none' : `${fractions.length} values`, `the masked fraction of each of the ${indices.length} positions (the model has a fraction gate)`);
    }
    const [batch, length, dAR] = states.hAR.shape;
    const dMLM = states.hMLM.shape[2];
    return tf.tidy(() => {
      const rows = tf.tensor1d(Int32Array.from(indices), 'int32');
      for (const index of Array.from(indices)) {
        if (!(index >= 0 && index < batch * length)) throw new InvalidArgumentError('indices', index, `flat positions in [0, ${batch * length})`);
      }
      const hAR = tf.gather(states.hAR.reshape([batch * length, dAR]), rows) as tf.Tensor2D;
      const hMLM = tf.gather(states.hMLM.reshape([batch * length, dMLM]), rows) as tf.Tensor2D;
      if (gate === undefined) return this.head.logits(hAR, hMLM);
      for (const f of Array.from(fractions as ArrayLike<number>)) {
        if (!(f >= 0 && f <= 1)) throw new InvalidArgumentError('fractions', f, 'masked fractions in [0, 1]');
      }
      return gate.logits(this.head, hAR, hMLM, tf.tensor1d(Float32Array.from(fractions as ArrayLike<number>)));
    });
  }

  /** Frees both backbones, the diffusion encoder if any, and the head. */
  dispose(): void {
    this.ar.dispose();
    this.mlm.dispose();
    this.diffusion?.dispose();
    this.gate?.dispose();
    this.head.dispose();
  }
}
