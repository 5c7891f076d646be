import { defineFamily } from '../family.js';
import { parseLlamaConfig, type LlamaConfig } from './config.js';
import { isIgnorableLlamaTensor, llamaParameterRules } from './convert.js';
import { LlamaBackbone } from './model.js';

export { parseLlamaConfig, readDecoderConfig, type LlamaConfig, type DecoderNorm } from './config.js';
export { llamaParameterRules } from './convert.js';
export { LlamaBackbone } from './model.js';

/** The `llama` family entry for the backbone registry. */
export const llamaFamily = defineFamily<LlamaConfig>({
  modelType: 'llama',
  kind: 'ar',
  parseConfig: parseLlamaConfig,
  parameterRules: llamaParameterRules,
  isIgnorableTensor: isIgnorableLlamaTensor,
  createModel: (config, inputs) => new LlamaBackbone(config, inputs),
});
