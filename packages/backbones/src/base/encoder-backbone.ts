import { CheckpointError, type MLMBackbone } from '@maria-ts/core';
import { TransformerBackbone, type TransformerParts } from './transformer-backbone.js';

/**
 * A bidirectional masked-LM backbone. The mask id comes from the tokenizer or config when
 * the checkpoint has one; reading it when neither had it is a typed error rather than a
 * guessed id.
 */
export abstract class EncoderBackbone extends TransformerBackbone implements MLMBackbone {
  readonly kind = 'mlm' as const;
  protected readonly causal = false;
  private readonly knownMaskTokenId: number | null;

  constructor(parts: TransformerParts, maskTokenId: number | null) {
    super(parts);
    this.knownMaskTokenId = maskTokenId;
  }

  get maskTokenId(): number {
    if (this.knownMaskTokenId === null) {
      throw new CheckpointError(this.info.family, 'the mask token id is unknown: the checkpoint has no tokenizer.json with a mask token and its config has no mask_token_id (pass maskTokenId when loading)');
    }
    return this.knownMaskTokenId;
  }
}
