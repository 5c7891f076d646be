/**
 * @maria-ts/fusion-head: MARIA's trained component, a linear layer over the concatenated
 * AR and MLM hidden states, initialised as a product of experts.
 */
export { LinearFusionHead, productOfExpertsHead, randomFusionHead, type FusionHeadShape } from './linear-fusion-head.js';
export { MariaModel, type MariaModelParts, type AlignedStates } from './maria-model.js';
