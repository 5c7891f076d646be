/**
 * @maria-ts/trainer: MARIA-TS training as a library, what `maria-train` runs. Tokenizers and
 * corpus shards (`buildTokenizer`, `buildCorpus`, `openShards`), the resumable training loop
 * (`runTraining`: AdamW, warm-up + cosine, gradient accumulation and clipping, checkpoints,
 * exact resume, metrics and loss charts), backbone pretraining (`pretrain`) and fusion-head
 * training (`loadBackbonePair`, `initialHead`, `trainHead`, export of a MARIA directory).
 */
export { buildCorpus, type BuildCorpusOptions, type CorpusBuildResult, DEFAULT_CORPUS_DIRECTORY } from './corpus/build-corpus.js';
export { detectDocumentFormat, DOCUMENT_FORMATS, type DocumentFormat, type DocumentFormatChoice, FILE_FORMATS, fileFormatOf, parseDocumentFormat, PTB_QUOTES_FOR_SENTENCES, SENTENCES_PER_DOCUMENT, type TextDocumentFormat } from './corpus/document-format.js';
export { type CorpusManifest, MANIFEST_FILE, manifestSchema, PIPELINE_VERSION, READABLE_PIPELINE_VERSIONS, readManifest } from './corpus/manifest.js';
export { detokenizeArticle, detokenizePtbSentences, normalizeDocument, normalizeLine } from './corpus/normalize-text.js';
export { type BatchOrder, openShards, type OpenShardsOptions, type SequenceBatch, type ShardSplit, type TokenShards } from './corpus/open-shards.js';
export { PackedShardWriter, SHARD_FILE_PATTERN, type ShardEntry, shardFileName, type SplitSummary } from './corpus/shard-writer.js';
export { type SplitName, splitOfDocument, SPLITS } from './corpus/validation-split.js';
export { buildTinyTokenizer, type BuildTokenizerOptions, EVALUATION_TEXT_IN_DATA, statsPathFor, type TokenizerBuildReport } from './tokenizer/build-tokenizer.js';
export { type BpeSource, GPT2_DIRECTORY_IN_DATA, type Merge, readBpeSource } from './tokenizer/bpe-source.js';
export { tokenizerFingerprint } from './tokenizer/fingerprint.js';
export { DEFAULT_TOKENIZER_PATH, type LoadedTokenizer, loadTokenizerFile, tokenizerFromText, type TokenizerIdentity } from './tokenizer/load-tokenizer.js';
export { END_OF_TEXT_TOKEN, MASK_TOKEN, PAD_TOKEN, TINY_MERGE_COUNT, TINY_SPECIAL_TOKENS, TINY_VOCAB_SIZE } from './tokenizer/special-tokens.js';
export { measureTokenization, type TokenizationStatistics } from './tokenizer/tokens-per-word.js';
export { truncateByteLevelBpe, type TruncatedBpe } from './tokenizer/truncate-bpe.js';
export { BEST_DIRECTORY, bestValidation, type BestValidation, type EarlyStopping, runTraining, stepRng, type TrainRunOptions, type TrainRunResult, validationLoss } from './trainer/train-loop.js';
export { type BatchSource, type TokenBatch, type TrainingTask } from './trainer/training-task.js';
export { type CheckpointMeta, CheckpointStore, type LoadedCheckpoint } from './trainer/checkpoint-store.js';
export { MetricsLog, type MetricsRecord } from './trainer/metrics-log.js';
export { type MaskRate, type ObjectiveName, type ObjectiveOptions, objectives, parseMaskRate, rangeRateMaskSampler } from './pretrain/objectives.js';
export { type ArchitecturePreset, architecturePresets } from './pretrain/presets.js';
export { resolveBackboneSource, resolveCheckpointDir } from './head/resolve-checkpoint.js';
export { type BackbonePair, loadBackbonePair } from './head/load-backbone-pair.js';
export { type HeadInitChoice, initialHead, parseHeadInit } from './head/initial-head.js';
export { exportMariaDirectory, parseStoredDtype } from './head/export-maria.js';
export { type HeadTaskOptions, headTrainingTask, unmaskableIds } from './head/head-task.js';
export { DEFAULT_HEAD_MASKING, LEARNING_CURVE_FILE, learningCurve, type LearningCurve, trainHead, type TrainHeadOptions, type TrainHeadResult, withValidationFrom } from './head/train-head.js';
export { TIE_INITS, tieEmbeddings, type TieEmbeddingsOptions, type TieEmbeddingsResult, type TieInit } from './convert/tie-embeddings.js';
export { pretrain, type PretrainOptions, type PretrainResult } from './pretrain/pretrain.js';
export { HEAD_TRAINING_DEFAULTS } from './head/head-defaults.js';
export { paperPresets } from './random-checkpoint/paper-presets.js';
export { writeRandomCheckpoint } from './random-checkpoint/write-random-checkpoint.js';
export { type TrainerOptionsInput, trainerOptionsSchema } from './trainer/trainer-options.js';
export { type HeadPresetName, type HeadPresetSettings, applyHeadPreset, parseHeadPreset } from './head/head-preset.js';
export { scoreMaskedTokens } from './eval-mlm/masked-accuracy.js';
export { scoreWindows } from './eval-lm/language-model-loss.js';
export { rollingWindows } from './eval-lm/rolling-windows.js';
