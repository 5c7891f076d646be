import { llamaParameterRules } from '../llama/convert.js';
import type { ParameterRule } from '../parameters/parameter-rule.js';
import type { OlmoConfig } from './config.js';

/**
 * OLMo uses Llama's tensor names; with a non-parametric norm the config yields no norm
 * weights, so Llama's rules already describe it exactly.
 */
export function olmoParameterRules(config: OlmoConfig): ParameterRule[] {
  return llamaParameterRules(config);
}
