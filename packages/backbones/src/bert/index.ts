import { defineFamily } from '../family.js';
import { parseBertConfig, type BertConfig } from './config.js';
import { bertParameterRules, isIgnorableBertTensor } from './convert.js';
import { BertBackbone } from './model.js';

export { parseBertConfig, type BertConfig } from './config.js';
export { bertParameterRules } from './convert.js';
export { BertBackbone } from './model.js';

/** The `bert` family entry for the backbone registry. */
export const bertFamily = defineFamily<BertConfig>({
  modelType: 'bert',
  kind: 'mlm',
  parseConfig: parseBertConfig,
  parameterRules: bertParameterRules,
  isIgnorableTensor: isIgnorableBertTensor,
  createModel: (config, inputs) => new BertBackbone(config, inputs),
});
