/**
 * @maria-ts/annealer: unconditional generation by simulated annealing with MARIA (the
 * paper's Figure 5): sample from the AR model, then repeatedly remask and resample.
 */
export { anneal, pickRemaskPositions, type AnnealIteration, type AnnealOptions } from './anneal.js';
export { generate, resolveSchedule, type GenerateIteration, type GenerateOptions, type GenerateResult, type GenerationModel } from './generate.js';
export { infillResampler, mariaResampler, type InfillResamplerOptions } from './infill-resampler.js';
export type { ResampleRequest, Resampler } from './resampler.js';
export { sampleAutoregressive, type AutoregressiveSampleOptions } from './sample-autoregressive.js';
export { constantSchedule, cosineSchedule, linearSchedule, temperatureSchedules, type TemperatureSchedule } from './temperature-schedule.js';
