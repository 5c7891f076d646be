export { matMul, linear, type MatMulOptions } from './matmul.js';
export { embeddingLookup } from './embedding.js';
export { softmaxCrossEntropy, meanSoftmaxCrossEntropy } from './softmax-cross-entropy.js';
export { recordingGradients } from './binary-custom-grad.js';
export { gatherRowsToHost, RowProduct } from './row-product.js';
