/**
 * @maria-ts/annealer: unconditional generation by simulated annealing with MARIA (the
 * paper's Figure 5): sample from the AR model, then repeatedly remask and resample.
 */
export { anneal, pickRemaskPositions, type AnnealIteration, type AnnealOptions, type Infill } from './anneal.js';
export { constantSchedule, cosineSchedule, linearSchedule, temperatureSchedules, type TemperatureSchedule } from './temperature-schedule.js';
