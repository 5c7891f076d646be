/**
 * @maria-ts/masking: which positions MARIA hides and how. Seeded mask samplers (the
 * paper's per-sequence Beta(2.5, 2.5) rate, a fixed rate, MDLM's t, and an exact count for
 * evaluation), the MLM input x̃ (`applyMask`, with BERT's 80/10/10 as an option), and
 * word-level `[MASK]` strings parsed into token ids and masked positions.
 */
export { applyMask, type ApplyMaskOptions, type MlmCorruptionOptions } from './apply-mask.js';
export { bernoulliMask, requireEligiblePositions } from './bernoulli-mask.js';
export { betaMaskSampler, type BetaMaskSamplerOptions } from './beta-mask-sampler.js';
export { createMaskSampler, maskSamplerKinds, type MaskSamplerSpec } from './create-mask-sampler.js';
export { type EligibilityOptions, eligiblePositions, type PositionFlags, positionsOf, specialIdsOf } from './eligibility.js';
export { EmptyTextError, MissingMaskMarkerError, MissingMaskTokenError, NoEligiblePositionsError } from './errors.js';
export { fixedCountMaskSampler, type FixedCountMaskSamplerOptions, fixedMaskCount } from './fixed-count-mask-sampler.js';
export { fixedRateMaskSampler } from './fixed-rate-mask-sampler.js';
export { type BatchSlot, type MaskSample, type MaskSampler, type MdlmMaskSample } from './mask-sampler.js';
export { mdlmMaskSampler, type MdlmMaskSamplerOptions } from './mdlm-mask-sampler.js';
export { type MaskedTextSegment, type MaskSegment, type ParsedMaskedText, parseMaskedText, type ParseMaskedTextOptions, type TextSegment } from './parse-masked-text.js';
export { type BatchEligibilityOptions, type BatchMaskSample, flatMaskedIndices, sampleMaskBatch, type StackedMasks, stackMasks } from './sample-mask-batch.js';
