import { Registry } from '@maria-ts/core';
import { bertFamily } from './bert/index.js';
import type { BackboneFamily } from './family.js';
import { gpt2Family } from './gpt2/index.js';
import { gptNeoXFamily } from './gpt-neox/index.js';
import { llamaFamily } from './llama/index.js';
import { modernBertDecoderFamily } from './modernbert-decoder/index.js';
import { modernBertFamily } from './modernbert/index.js';
import { olmoFamily } from './olmo/index.js';

/**
 * Backbone families by Hugging Face `model_type`. Adding a family is one folder under
 * `src/` (config, model, convert, and an index defining the family) plus one line here.
 * Looking up an unknown `model_type` throws an `UnknownNameError` listing these.
 */
export const backboneFamilies = new Registry<BackboneFamily>('backbone family (config.json model_type)');

backboneFamilies.register('gpt2', gpt2Family);
backboneFamilies.register('llama', llamaFamily);
backboneFamilies.register('olmo', olmoFamily);
backboneFamilies.register('bert', bertFamily);
backboneFamilies.register('modernbert', modernBertFamily);
backboneFamilies.register('gpt_neox', gptNeoXFamily);
backboneFamilies.register('modernbert-decoder', modernBertDecoderFamily);
