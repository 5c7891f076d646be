import { defineFamily } from '../family.js';
import { parseGptNeoXConfig, type GptNeoXConfig } from './config.js';
import { gptNeoXParameterRules, isIgnorableGptNeoXTensor } from './convert.js';
import { GptNeoXBackbone } from './model.js';

export { parseGptNeoXConfig, type GptNeoXConfig } from './config.js';
export { gptNeoXParameterRules } from './convert.js';
export { GptNeoXBackbone } from './model.js';

/** The `gpt_neox` family (Pythia, GPT-NeoX-20B) for the backbone registry. */
export const gptNeoXFamily = defineFamily<GptNeoXConfig>({
  modelType: 'gpt_neox',
  kind: 'ar',
  parseConfig: parseGptNeoXConfig,
  parameterRules: gptNeoXParameterRules,
  isIgnorableTensor: isIgnorableGptNeoXTensor,
  createModel: (config, inputs) => new GptNeoXBackbone(config, inputs),
});
