/**
 * @maria-ts/core: the spec every MARIA-TS package depends on. Interfaces (backbones, KV
 * cache, tokenizer, fusion head, MARIA model, judge), typed errors, a seeded RNG, a name
 * registry, and the tensor runtime: engine selection and the fast wasm ops. The list is
 * explicit; the apps' CLI helpers are in @maria-ts/cli-kit, the optimiser in @maria-ts/optim.
 *
 * TensorFlow.js is not re-exported: a package that computes imports `@tensorflow/tfjs` itself and
 * takes it as a peer dependency, so an application installs one copy for core and every package.
 * The engine `initEngine` selects is tfjs's global engine (tfjs keeps the engine and its kernel
 * registry in a global namespace), so every import of tfjs computes on it.
 */
export { AbortedError, CheckpointError, defineError, EngineUnavailableError, InputTooLongError, InvalidArgumentError, MariaError, ShapeMismatchError, TokenizerMismatchError, UnknownNameError } from './errors.js';
export { type AlignedStates, type ARBackbone, type ARChunk, BACKBONE_SPEC_VERSION, type BackboneInfo, type BackboneOutput, type ForwardOptions, type FusionGate, type FusionGateScales, type FusionHead, type FusionHeadVariables, type HeadVocabularyMap, isARBackbone, type Judge, type JudgeOptions, type KVCache, type LanguageBackbone, type MariaModel, type MLMBackbone, type OutputProjection, type SpecialTokenIds, type StepChunksOptions, type Tokenizer } from './interfaces/index.js';
export { Registry, type RegistryEntry } from './registry.js';
export { Rng, type RngState } from './rng.js';
export { currentEngine, ENGINE_ENV_VAR, type EngineChoice, type EngineInfo, type EngineOptions, type EngineProvider, engines, ENGINES_DIR_ENV_VAR, type EngineStartContext, initEngine, liveWasmThreadWorkers, type LocateEngineOptions, locateInstalledEngine, MAX_WASM_THREADS, resolveEngineChoice, resolveEngineStartContext, resolveThreadCount, shutdownEngine, THREAD_FAULT_ENV_VAR, THREADS_ENV_VAR, type ThreadsChoice, type ThreadStartFault, wasmBinaryDirectory } from './runtime/engine.js';
export { assertEngineCanHold, EngineAbortedError, engineMemoryCeiling, type EngineMemoryCheckOptions, EngineMemoryError, explainEngineAbort, WASM_MEMORY_CEILING_BYTES } from './runtime/engine-memory.js';
export { createThreadPoolSwitch, findLoadedGlobalAddress, hasThreadPoolSwitch, installThreadPoolSwitch, POOL_MIN_ROWS, POOL_MIN_WORK, resolveThreadPoolPolicy, THREAD_POOL_ENV_VAR, type ThreadPoolPolicy, type ThreadPoolSwitch, withThreadPool } from './runtime/thread-pool-switch.js';
// The WebAssembly assembler the SIMD kernels of backbones and kv-decoder are written with.
export * as wasmAssembly from './runtime/wasm-assembly.js';
export { NATIVE_OPS_ENV_VAR, nativeOps, NativeOps, type NativeAttr, type NativeHandle } from './runtime/native-ops.js';
export { acceptMovedData, onSequencePassEngine, sequencePassBackend, setSequencePassBackend } from './runtime/sequence-pass.js';
export { log, logOnce, type LogSink, resetLogOnce, setLogSink } from './runtime/log.js';
// The fast ops: runtime/ops/index.ts is itself the explicit list.
export * from './runtime/ops/index.js';
export { type AtomicContent, writeFileAtomic, writeFileAtomicSync } from './fs/write-file-atomic.js';
export { escapeControlCharacters, terminalSafeJson } from './runtime/terminal-text.js';
export { workspaceRoot } from './fs/workspace-root.js';
