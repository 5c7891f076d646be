import { defineFamily } from '../family.js';
import { parseModernBertDecoderConfig, type ModernBertDecoderConfig } from './config.js';
import { isIgnorableModernBertDecoderTensor, modernBertDecoderParameterRules } from './convert.js';
import { ModernBertDecoderBackbone } from './model.js';

export { parseModernBertDecoderConfig, type ModernBertDecoderConfig } from './config.js';
export { modernBertDecoderParameterRules } from './convert.js';
export { ModernBertDecoderBackbone } from './model.js';

/** The `modernbert-decoder` family (the Ettin decoders) for the backbone registry. */
export const modernBertDecoderFamily = defineFamily<ModernBertDecoderConfig>({
  modelType: 'modernbert-decoder',
  kind: 'ar',
  parseConfig: parseModernBertDecoderConfig,
  parameterRules: modernBertDecoderParameterRules,
  isIgnorableTensor: isIgnorableModernBertDecoderTensor,
  createModel: (config, inputs) => new ModernBertDecoderBackbone(config, inputs),
});
