import type { ModelInputs } from '../family.js';
import { LlamaBackbone } from '../llama/model.js';
import type { OlmoConfig } from './config.js';

/** An OLMo backbone: the Llama architecture under the `olmo` family name. */
export function createOlmoBackbone(config: OlmoConfig, inputs: ModelInputs): LlamaBackbone {
  return new LlamaBackbone(config, inputs, 'olmo');
}
