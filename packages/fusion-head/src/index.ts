/**
 * @maria-ts/fusion-head: MARIA's trained component, a linear layer over the concatenated
 * AR and MLM hidden states, initialised as a product of experts; the MARIA model that pairs
 * it with its backbones, and the MARIA directory format that stores all of them.
 */
export { LinearFusionHead, productOfExpertsHead, randomFusionHead, type FusionHeadInit, type FusionHeadShape } from './linear-fusion-head.js';
export { MariaModel, type MariaModelParts } from './maria-model.js';
export type { AlignedStates } from '@maria-ts/core';
export { FRACTION_GATE_FILE, FractionGate, loadFractionGate, saveFractionGate, type FractionGateValues } from './fraction-gate.js';
export { BackboneMismatchError } from './errors.js';
export { assertTokenizersPair } from './tokenizer-compatibility.js';
export { vocabularyMap, type VocabularyMap } from './vocabulary-map.js';
export { assertBackbonesShareTokenizer, buildProductOfExpertsHead, buildRandomHead, type BackboneTokenizers } from './build-head.js';
export {
  HEAD_CONFIG_FILE,
  HEAD_WEIGHTS_FILE,
  assertHeadPairing,
  backboneIdentity,
  loadFusionHead,
  readFusionHeadConfig,
  saveFusionHead,
  type BackboneIdentity,
  type FusionHeadConfig,
  type FusionHeadPairing,
  type LoadFusionHeadOptions,
  type SaveFusionHeadOptions,
} from './fusion-head-io.js';
export {
  MARIA_MANIFEST_FILE,
  buildMariaModel,
  isMariaDirectory,
  loadMariaModel,
  readMariaDirectory,
  readMariaManifest,
  saveMariaModel,
  tokenizerConfigFor,
  type LoadMariaModelOptions,
  type MariaDirectoryFiles,
  type MariaManifest,
  type SaveMariaModelOptions,
} from './maria-directory.js';
export {
  expertLosses,
  headMaskedTokenLoss,
  maskedFeatures,
  maskedTokenLoss,
  type ExpertLosses,
  type MaskedBatch,
  type MaskedFeatures,
} from './masked-token-loss.js';
export { assertMariaDirectoryFits, mariaDirectoryFootprint, type MariaFootprint } from './maria-footprint.js';
export { createRandomMariaModel, type RandomMariaModelOptions } from './random-maria-model.js';
