import { defineFamily } from '../family.js';
import { isIgnorableLlamaTensor } from '../llama/convert.js';
import { parseOlmoConfig, type OlmoConfig } from './config.js';
import { olmoParameterRules } from './convert.js';
import { createOlmoBackbone } from './model.js';

export { parseOlmoConfig, type OlmoConfig } from './config.js';
export { olmoParameterRules } from './convert.js';
export { createOlmoBackbone } from './model.js';

/** The `olmo` family entry for the backbone registry. */
export const olmoFamily = defineFamily<OlmoConfig>({
  modelType: 'olmo',
  kind: 'ar',
  parseConfig: parseOlmoConfig,
  parameterRules: olmoParameterRules,
  isIgnorableTensor: isIgnorableLlamaTensor,
  createModel: createOlmoBackbone,
});
