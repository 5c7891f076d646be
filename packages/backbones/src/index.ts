/**
 * @maria-ts/backbones: GPT-2, Llama/OLMo, BERT, ModernBERT, GPT-NeoX and ModernBERT-decoder on
 * TensorFlow.js, loaded from Hugging Face checkpoints. The surface below is deliberate: what
 * the other packages, the apps and a user adding a family need. Layers and per-family
 * internals are imported by path inside this package only.
 */

// Loading and creating a backbone (a checkpoint folder, a Hub id, or a config with random weights).
export { loadBackbone, type LoadBackboneOptions, loadBackboneWithCheckpoint, type LoadedBackbone, modelTypeOf } from './load-backbone.js';
export { createBackbone, type CreateBackboneOptions } from './create-backbone.js';
export { resolveMariaDir, resolveModelDir, type ResolveModelDirOptions } from './io/hub-download.js';
export { CacheCapacityError, UnsupportedConfigError } from './errors.js';

// The family registry and the base classes a new model family builds on (ARCHITECTURE.md §6: one folder per family, registered by `model_type`).
export { type Backbone, type BackboneFamily, type BuildOptions, type BuildResult, defineFamily, type FamilyConfig, type FamilySpec, type ModelInputs } from './family.js';
export { backboneFamilies } from './families.js';
export { type CheckpointContents, TransformerBackbone, type TransformerForwardOptions, type TransformerOutput, type TransformerParts } from './base/transformer-backbone.js';
export { type CacheGeometry, DecoderBackbone } from './base/decoder-backbone.js';
export { EncoderBackbone } from './base/encoder-backbone.js';
export { ChunkedKVCache, type ChunkedKVCacheOptions } from './layers/kv-cache.js';
export { HostKVCache, type HostKVCacheOptions } from './layers/host-kv-cache.js';

// Hugging Face checkpoint IO: config.json, safetensors (F32/F16/BF16), sharded indexes, atomic writes.
export { type CheckpointFiles, CONFIG_FILE, loadCheckpointFiles, readCheckpointWeights, saveCheckpointFiles, SINGLE_WEIGHTS_FILE } from './io/checkpoint-files.js';
export { checkpointFloat32Bytes } from './io/checkpoint-footprint.js';
export { type StoredDtype, type WritableTensor } from './io/host-tensor.js';
export { readSafetensors } from './io/read-safetensors.js';
export { readSafetensorsHeader } from './io/safetensors-header.js';
export { writeSafetensors } from './io/write-safetensors.js';
export { readShardedIndex, SHARDED_INDEX_FILE, type ShardedIndex } from './io/sharded-index.js';
export { readJsonFile } from './io/read-json-file.js';
export { writeTextFileAtomic } from './io/atomic-write.js';
export { isDirectory, pathExists } from './io/path-exists.js';
export { CONFIG_INTEGER_LIMITS } from './config/config-reader.js';

// Tokenizers (tokenizer.json, vocab.json + merges.txt) and their fingerprints.
export { HuggingFaceTokenizer, type HuggingFaceTokenizerOptions } from './tokenizer/hugging-face-tokenizer.js';
export { hasTokenizerFiles, loadTokenizer, type LoadTokenizerOptions, TOKENIZER_FILES } from './tokenizer/load-tokenizer.js';
export { type TokenizerJson } from './tokenizer/tokenizer-json.js';
export { SPECIAL_TOKEN_ROLES } from './tokenizer/special-tokens.js';
export { baseVocabulary } from './tokenizer/base-vocabulary.js';
export { tokenizerFingerprint } from './tokenizer/tokenizer-fingerprint.js';

// Parameters: checkpoint-name rules, from-scratch initialisation, non-finite checks.
export { type ParameterRule, ruleShape } from './parameters/parameter-rule.js';
export { disassembleParameters, initialiseParameters } from './parameters/host-parameters.js';
export { describeNonFinite, indexOfNonFinite } from './parameters/non-finite.js';

// Decoding speed of a decoder with its KV cache (`maria bench-decode`).
export { type DecodeThroughput, measureDecodeThroughput } from './decode-throughput.js';

// The families: config parser, checkpoint-name rules, model class and registry entry of each.
export { parseGpt2Config, type Gpt2Config, gpt2ParameterRules, Gpt2Backbone, gpt2Family } from './gpt2/index.js';
export { parseLlamaConfig, readDecoderConfig, type LlamaConfig, type DecoderNorm, llamaParameterRules, LlamaBackbone, llamaFamily } from './llama/index.js';
export { parseOlmoConfig, type OlmoConfig, olmoParameterRules, createOlmoBackbone, olmoFamily } from './olmo/index.js';
export { parseBertConfig, type BertConfig, bertParameterRules, BertBackbone, bertFamily } from './bert/index.js';
export { parseModernBertConfig, type ModernBertConfig, modernBertParameterRules, ModernBertBackbone, modernBertFamily } from './modernbert/index.js';
export { parseGptNeoXConfig, type GptNeoXConfig, gptNeoXParameterRules, GptNeoXBackbone, gptNeoXFamily } from './gpt-neox/index.js';
export { parseModernBertDecoderConfig, type ModernBertDecoderConfig, modernBertDecoderParameterRules, ModernBertDecoderBackbone, modernBertDecoderFamily } from './modernbert-decoder/index.js';
