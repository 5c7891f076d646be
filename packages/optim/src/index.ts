/**
 * @maria-ts/optim: the optimiser pieces of MARIA-TS training, on TensorFlow.js.
 *
 * - `AdamW` (with `AdamWOptions`, and `AdamWState` for checkpoints): decoupled weight decay as
 *   PyTorch's `torch.optim.AdamW`, the learning rate passed per step, optional decay toward an
 *   anchor, one variable and one stage at a time, and a host state that `setState` restores
 *   exactly.
 * - `clipByGlobalNorm`: gradients scaled to a global L2 norm of at most `maxNorm`, as PyTorch's
 *   `clip_grad_norm_`.
 * - `warmupCosine` (with `WarmupCosineOptions`): linear warm-up, then cosine decay to a share
 *   of the peak.
 *
 * The variables and gradients are `@tensorflow/tfjs` tensors, a peer dependency: the engine is
 * the one `initEngine` from `@maria-ts/core` selected. The list is explicit.
 */
export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { clipByGlobalNorm } from './clip-gradients.js';
export { warmupCosine, type WarmupCosineOptions } from './learning-rate.js';
