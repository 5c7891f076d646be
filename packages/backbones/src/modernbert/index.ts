import { defineFamily } from '../family.js';
import { parseModernBertConfig, type ModernBertConfig } from './config.js';
import { isIgnorableModernBertTensor, modernBertParameterRules } from './convert.js';
import { ModernBertBackbone } from './model.js';

export { parseModernBertConfig, type ModernBertConfig } from './config.js';
export { modernBertParameterRules } from './convert.js';
export { ModernBertBackbone } from './model.js';

/** The `modernbert` family entry for the backbone registry. */
export const modernBertFamily = defineFamily<ModernBertConfig>({
  modelType: 'modernbert',
  kind: 'mlm',
  parseConfig: parseModernBertConfig,
  parameterRules: modernBertParameterRules,
  isIgnorableTensor: isIgnorableModernBertTensor,
  createModel: (config, inputs) => new ModernBertBackbone(config, inputs),
});
