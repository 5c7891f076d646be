import { defineFamily } from '../family.js';
import { parseGpt2Config, type Gpt2Config } from './config.js';
import { gpt2ParameterRules, isIgnorableGpt2Tensor } from './convert.js';
import { Gpt2Backbone } from './model.js';

export { parseGpt2Config, type Gpt2Config } from './config.js';
export { gpt2ParameterRules } from './convert.js';
export { Gpt2Backbone } from './model.js';

/** The `gpt2` family entry for the backbone registry. */
export const gpt2Family = defineFamily<Gpt2Config>({
  modelType: 'gpt2',
  kind: 'ar',
  parseConfig: parseGpt2Config,
  parameterRules: gpt2ParameterRules,
  isIgnorableTensor: isIgnorableGpt2Tensor,
  createModel: (config, inputs) => new Gpt2Backbone(config, inputs),
});
