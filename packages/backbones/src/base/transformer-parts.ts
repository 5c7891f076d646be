import type { ModelInputs } from '../family.js';
import { VocabProjection } from '../layers/vocab-projection.js';
import { ParameterStore } from '../parameters/parameter-store.js';
import type { TransformerParts } from './transformer-backbone.js';

/** The sizes every family's typed config carries. */
export interface BackboneDimensions {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly maxPositions: number;
  readonly tieWordEmbeddings: boolean;
}

/**
 * What every family's constructor starts with: the parameters as variables, the token
 * table `embeddings.tokens`, and the vocab projection, tied to that table or using
 * `head.weight`, with `head.bias` when the family's rules gave it one.
 */
export function transformerParts(family: string, dimensions: BackboneDimensions, inputs: ModelInputs): TransformerParts {
  const store = new ParameterStore(inputs.parameters, { trainable: inputs.trainable });
  const tokenTable = store.matrix('embeddings.tokens');
  const bias = store.optionalVector('head.bias');
  const head = new VocabProjection(dimensions.tieWordEmbeddings ? { tied: true, table: tokenTable, bias } : { tied: false, weight: store.matrix('head.weight'), bias });
  return {
    info: {
      family,
      vocabSize: dimensions.vocabSize,
      hiddenSize: dimensions.hiddenSize,
      numLayers: dimensions.numLayers,
      maxPositions: dimensions.maxPositions,
      contentHash: inputs.contentHash,
    },
    store,
    head,
    embeddingRows: dimensions.vocabSize,
    rules: inputs.rules,
    checkpointConfig: inputs.checkpointConfig,
    tokenTable,
  };
}
