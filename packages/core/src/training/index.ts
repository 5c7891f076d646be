export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { clipByGlobalNorm } from './clip-gradients.js';
export { warmupCosine, type WarmupCosineOptions } from './learning-rate.js';
