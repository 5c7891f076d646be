/**
 * @maria-ts/benchmarks: every `maria-bench` benchmark as a function with typed options and a
 * typed result, so the paper's tables and figures and the runtime micro-benchmarks can be run
 * from code. `maria-bench` (apps/bench) parses flags, calls these and prints or writes what
 * they return. Functions that take a `MariaModel` run on the engine already started
 * (`initEngine` from `@maria-ts/core`).
 */

/** Progress callbacks of the long benchmarks (start, advance, stage). */
export type { BenchProgress } from './progress.js';

/** Masked-infilling perplexity (paper Table 2): MARIA against AR-only, MLM AR-decode and masked diffusion on the same seeded masks, resumable cell by cell. */
export { runPplBench, type PplBenchOptions, type PplBenchReport } from './ppl/run-ppl-bench.js';
/** The perplexity chart: masked PPL against masking rate, one line per method. */
export { pplChartSpec, type PplChartConfig } from './ppl/ppl-chart.js';

/** Infill throughput (paper Figure 3): filled tokens per second per method and sequence length, the median of timed runs. */
export { runThroughputBench, throughputRatios, throughputRequest, type ThroughputBenchOptions, type ThroughputRatio, type ThroughputReport, type ThroughputRow } from './throughput/throughput-benchmark.js';
/** The throughput chart: tokens per second against length, log-log. */
export { throughputChartSpec, type ThroughputChartSettings } from './throughput/throughput-chart.js';

/** Op micro-benchmark: matmul and training-step GFLOP/s and a KV-cached decode step, built-in tfjs ops against core's fast ops. */
export { opsSpeedups, runOpsBench, type OpsBenchOptions, type OpsReport, type OpsRow } from './ops/ops-benchmark.js';
/** The ops chart: rates against wasm thread count, GFLOP/s and tokens/s in separate panels. */
export { opsChartSpec } from './ops/ops-chart.js';

/** Engines side by side: `engine[:threads]` configurations, the training-step timings, and metrics merged into ratios to a baseline. */
export { parseEngineConfigurations, type EngineConfiguration } from './engines/engine-configurations.js';
export { runTrainingSteps, type TrainingStepOptions, type TrainingStepRow } from './engines/training-steps.js';
export { configurationMetrics, engineRatios, mergeMetrics, type EngineMetric, type EngineRatio, type EnginesReport, type ThroughputEnginesReport } from './engines/engine-comparison.js';

/** Infill ELO (paper Figure 4): masked prompts from real text, the judged tournament of the five systems, its judge, table and chart. */
export { buildMaskedPrompts, passagesOf, type MaskedPrompt, type MaskedPromptOptions } from './elo/masked-prompts.js';
export { ELO_SYSTEMS, runEloBench, type EloBenchOptions, type EloBenchResult, type EloRow } from './elo/run-elo-bench.js';
export { createEloJudge, type EloJudge, type EloJudgeChoice } from './elo/elo-judge.js';
export { formatEloTable } from './elo/format-elo.js';
export { eloChartTitle, ratingChartSpec, renderRatingChartSvg, writeRatingChart, type RatingChartOptions } from './elo/rating-chart.js';

/** The judge AR model of the ELO and annealing benchmarks: loading, the own-backbone refusal, and teacher-forced text likelihoods. */
export { assertJudgeIsNotBackbone, loadArJudgeModel, type ArJudgeModel } from './judge-model/ar-judge-model.js';
export { JudgeIsBackboneError } from './judge-model/judge-errors.js';
export { judgeModelScorer } from './judge-model/likelihood-scorer.js';
export { perplexityOf, textLikelihoods, type TextLikelihood, type TextLikelihoodOptions } from './judge-model/text-log-likelihood.js';

/** Unconditional generation (paper Figure 5): generative perplexity under a judge against wall-clock, MARIA annealing against masked diffusion. */
export { runAnnealBench, type AnnealBenchOptions, type AnnealBenchPoint, type AnnealBenchResult, type AnnealTrajectoryPoint } from './anneal/run-anneal-bench.js';
export { meanTokenEntropy } from './anneal/token-entropy.js';
export { formatAnnealTable, writeAnnealArtefacts } from './anneal/anneal-report.js';
export { annealChartSpec, type AnnealChartInput } from './anneal/anneal-chart.js';

/** The head's validation masked-token loss against the AR model alone and the MLM alone, on the same masked tokens of a corpus. */
export { headLosses, runHeadLoss, type HeadLossBenchOptions, type HeadLossOptions, type HeadLossReport, type HeadLossRow } from './head/head-loss.js';
/** Opens token shards for a model, refusing a corpus made with another tokenizer. */
export { openShardsFor } from './head/open-validation-shards.js';
/** Head training from product-of-experts init against random init (paper Figure 2), and its chart. */
export { runInitCurves, type InitCurveRun, type InitCurvesOptions, type InitCurvesReport, type InitCurvesTrainer } from './head/init-curves.js';
export { initCurvesChartSpec, type InitCurvesChartRun, type InitCurvesChartSettings } from './head/init-curves-chart.js';

/** The linear POS probe on frozen MLM and MARIA features (paper Table 3, CoNLL-2003). */
export { posMarkdown, runPosBench, type PosBenchOptions, type PosBenchReport } from './pos/run-pos-bench.js';

/** The HTTP load test of a MARIA server on 127.0.0.1: latency, request rate, errors, tensors and RSS before and after. */
export { runServeLoad, type ServeLoadLimits, type ServeLoadOptions, type ServeLoadReport, type ServeLoadServer } from './serve-load/run-serve-load.js';

/** How often a word fill glues onto the previous word or breaks a character, without and with the whole-word rule. */
export { maskedExamples, runWholeWords, type WholeWordsCounts, type WholeWordsOptions, type WholeWordsReport } from './whole-words/run-whole-words.js';

/** Any results JSON a benchmark wrote, charted again exactly as the benchmark draws it. */
export { chartFromResults, type ChartedBenchmark, type ResultsChart } from './chart/results-chart.js';
