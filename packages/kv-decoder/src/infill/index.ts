export { infill, infillStream, infillDecoders, infillMethods, DEFAULT_DIFFUSION_STEPS } from './infill.js';
export type { InfillRequest, InfillOptions, InfillResult, InfillMethod, FilledToken, InfillToken } from './infill-types.js';
export type { InfillDecoder, DecodedToken, DecoderContext } from './infill-decoder.js';
export { specialTokenIds } from './infill-decoder.js';
export type { InfillRow } from './infill-row.js';
export { modelMaxLength } from './infill-row.js';
export { diffusionStepCount } from './diffusion-decoder.js';
export { infillNBest, type JointFill, type NBestOptions } from './n-best.js';
export { fillBreaksWord, positionBans, type FillSpan, type PositionBans, type PositionBansOptions } from './whole-words.js';
