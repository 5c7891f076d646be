import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { EngineUnavailableError, InvalidArgumentError, UnknownNameError } from '../errors.js';
import { Registry } from '../registry.js';
import { log, logOnce } from './log.js';
import { locateInstalledEngine } from './native-engine-locator.js';
import {
  DEFAULT_THREAD_START_TIMEOUT_MS,
  MAX_WASM_THREADS,
  resolveThreadCount,
  resolveThreadStartFault,
  startThreadedWasm,
  type ThreadStartFault,
  type ThreadsChoice,
  type WasmBackendPackage,
  waitForWasmThreadWorkersToExit,
} from './wasm-threads.js';
import { installThreadPoolSwitch, resolveThreadPoolPolicy, withThreadPool, type ThreadPoolPolicy } from './thread-pool-switch.js';
import { installWasmCopyKernels } from './wasm-copy-kernels.js';
import { acceptMovedData, setSequencePassBackend } from './sequence-pass.js';

export { ENGINES_DIR_ENV_VAR, locateInstalledEngine, type LocateEngineOptions } from './native-engine-locator.js';
export {
  MAX_WASM_THREADS,
  THREAD_FAULT_ENV_VAR,
  THREADS_ENV_VAR,
  liveWasmThreadWorkers,
  resolveThreadCount,
  type ThreadStartFault,
  type ThreadsChoice,
} from './wasm-threads.js';

/**
 * What a user can ask for. `tensorflow` means native TensorFlow (GPU build first, then CPU
 * build); `hybrid` runs decode steps on wasm and whole-sequence passes on native TensorFlow
 * (CPU build; see `sequence-pass.ts`). `auto` never picks `hybrid`.
 */
export type EngineChoice = 'auto' | 'tensorflow' | 'wasm' | 'hybrid';

/** The environment variable that overrides the engine choice (the CLI's `--engine` wins over it). */
export const ENGINE_ENV_VAR = 'MARIA_ENGINE';

/** Which engine actually runs, as read back after start-up. */
export interface EngineInfo {
  /** Registered engine name: `tensorflow-gpu`, `tensorflow-cpu` or `wasm`. */
  readonly name: string;
  /** The tfjs backend name in use (`tensorflow` or `wasm`). */
  readonly backend: string;
  /** The npm package that provides it. */
  readonly packageName: string;
  /**
   * Threads the backend computes with, read back from it (wasm: the size of XNNPACK's
   * pool); `0` when the engine does not say (native TensorFlow).
   */
  readonly threads: number;
  /**
   * The tfjs backend whole-sequence passes run on, where it is not `backend` (the `hybrid`
   * engine: `tensorflow`, at the same thread count through `TF_NUM_INTRAOP_THREADS`).
   */
  readonly sequencePass?: string;
}

export interface EngineOptions {
  /** Default: the `MARIA_ENGINE` env var, else `'auto'`. A CLI `--engine` flag passes its value here. */
  readonly engine?: EngineChoice | string;
  /** Environment to read overrides from (injected for tests). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Dynamic import used to load optional engine packages (injected for tests). */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * wasm threads: a count or `'auto'` (the machine's available parallelism); both are capped
   * at 8, the most the threaded binary runs. Default: the `MARIA_THREADS` env var, else
   * `'auto'`. A CLI `--threads` flag passes its value here. The count is fixed per process:
   * the wasm module loads once.
   */
  readonly threads?: ThreadsChoice | string;
  /** Time box of the threaded wasm start, after which it falls back to one thread. Default 5 s. */
  readonly threadStartTimeoutMs?: number;
  /** Test hook: make the threaded start fail (`'error'`) or never finish (`'hang'`). Also `MARIA_THREADS_FAULT`. */
  readonly threadStartFault?: ThreadStartFault;
  /**
   * Threaded wasm only: `'large'` (default) runs only large matrix products on XNNPACK's pool
   * and every small op inline, `'all'` every XNNPACK op on the pool (see `thread-pool-switch.ts`).
   * Default: the `MARIA_THREAD_POOL` env var, else `'large'`.
   */
  readonly threadPool?: ThreadPoolPolicy | string;
  /**
   * Finds an engine package installed outside `node_modules` (entry file, or `undefined`),
   * tried when importing it by name finds nothing. Default: `locateInstalledEngine` (the
   * `.engines/` folder of `pnpm setup:tensorflow`, or `MARIA_ENGINES_DIR`) when `importModule`
   * is the default; with an injected `importModule`, none, so a fake sees only its own packages.
   */
  readonly locateEngine?: (packageName: string) => string | undefined;
}

/** What a provider needs to know beyond its package, resolved from {@link EngineOptions}. */
export interface EngineStartContext {
  /** wasm threads to start (1 … 8); other engines ignore it. */
  readonly threads: number;
  readonly threadStartTimeoutMs: number;
  readonly threadStartFault?: ThreadStartFault;
  readonly threadPool?: ThreadPoolPolicy;
  /** See {@link EngineOptions.locateEngine}; absent means packages are imported by name only. */
  readonly locateEngine?: (packageName: string) => string | undefined;
}

/** A way to start one engine. `start` throws when its package is missing or broken. */
export interface EngineProvider {
  /** npm package that must be installed. */
  readonly packageName: string;
  start(importModule: (specifier: string) => Promise<unknown>, context: EngineStartContext): Promise<EngineInfo>;
}

const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);

/**
 * Imports a native engine by name, else from where `pnpm setup:tensorflow` put it. TensorFlow's
 * C++ start-up banner (CPU features; oneDNN's custom ops, which log before TensorFlow's log
 * level applies) is kept off stderr, where MARIA's own one-line diagnostics are read, unless
 * `TF_CPP_MIN_LOG_LEVEL` or `TF_ENABLE_ONEDNN_OPTS` say otherwise. oneDNN's custom ops are off
 * by default therefore; a 1024³ matmul runs at the same rate without them (measured here).
 */
async function importNativeEngine(packageName: string, importModule: (specifier: string) => Promise<unknown>, context: EngineStartContext): Promise<void> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  try {
    await importModule(packageName);
  } catch (error) {
    const located = isModuleNotFound(error, packageName) ? context.locateEngine?.(packageName) : undefined;
    if (!located) throw error;
    await importModule(pathToFileURL(located).href);
  }
}

/** Native TensorFlow bindings register a `tensorflow` backend when imported. */
function nativeProvider(name: string, packageName: string): EngineProvider {
  return {
    packageName,
    async start(importModule, context) {
      await importNativeEngine(packageName, importModule, context);
      if (!(await tf.setBackend('tensorflow'))) throw new Error(`${packageName} loaded but the 'tensorflow' backend did not start`);
      await tf.ready();
      return { name, backend: 'tensorflow', packageName, threads: 0 };
    },
  };
}

/** Directory holding the wasm binaries of `@tensorflow/tfjs-backend-wasm`. */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

/** The package's own `wasm` backend factory, kept while a threaded backend replaces it. */
let packageWasmFactory: { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined;

/** Registers an already started backend under the name `wasm`, where the package's kernels live. */
function installWasmBackend(backend: tf.KernelBackend): void {
  const registered = tf.engine().registryFactory.wasm;
  if (registered && !packageWasmFactory) packageWasmFactory = registered;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => backend, packageWasmFactory?.priority ?? 2);
}

/** Puts the package's own factory back after a threaded backend was removed. */
function restorePackageWasmFactory(): void {
  if (!packageWasmFactory) return;
  if (tf.engine().registryFactory.wasm) tf.removeBackend('wasm');
  tf.registerBackend('wasm', packageWasmFactory.factory, packageWasmFactory.priority);
  packageWasmFactory = undefined;
}

/** Threads the package's wasm backend reports, once it runs. */
function wasmThreadsInUse(wasm: WasmBackendPackage): number {
  // With the pool switched off between large products, the binary reports no pool (-1).
  const threads = withThreadPool(() => wasm.getThreadsCount());
  if (!Number.isSafeInteger(threads) || threads < 1) throw new Error(`the wasm backend reports ${threads} threads`);
  return threads;
}

/**
 * wasm: the single-threaded SIMD binary for one thread; for more, the threaded SIMD binary
 * started on `worker_threads` by `wasm-threads.ts`. If that start fails or exceeds its time
 * box, one line says so and the single-threaded binary runs instead.
 */
const wasmProvider: EngineProvider = {
  packageName: '@tensorflow/tfjs-backend-wasm',
  async start(importModule, context) {
    const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as typeof tfjsWasm & WasmBackendPackage;
    // The package registered its kernels on import; the replacements hold for every start below.
    installWasmCopyKernels();
    const info = { name: 'wasm', backend: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm' };
    if (tf.engine().registry.wasm) {
      // Started before (by initEngine or directly by tfjs): the module cannot load twice.
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
      return { ...info, threads: wasmThreadsInUse(wasm) };
    }
    wasm.setWasmPaths(`${wasmBinaryDirectory()}${path.sep}`);
    if (context.threads > 1) {
      try {
        const threaded = await startThreadedWasm(wasm, {
          threads: context.threads,
          timeoutMs: context.threadStartTimeoutMs,
          fault: context.threadStartFault,
          printErr: (text) => log(`wasm: ${text}`),
        });
        installWasmBackend(threaded.backend);
        if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend failed to initialise');
        await tf.ready();
        installThreadPoolSwitch(context.threadPool === 'all' ? undefined : threaded.poolSwitch);
        return { ...info, threads: threaded.threads };
      } catch (error) {
        installThreadPoolSwitch(undefined);
        if (tf.engine().registry.wasm) tf.removeBackend('wasm');
        restorePackageWasmFactory();
        log(`wasm threads: the ${context.threads}-thread start failed (${(error as Error)?.message ?? String(error)}); falling back to 1 thread`);
      }
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    await tf.ready();
    return { ...info, threads: wasmThreadsInUse(wasm) };
  },
};

/**
 * `hybrid`: native TensorFlow (CPU build) started for whole-sequence passes, then wasm as the
 * active backend for everything else. TensorFlow computes with as many intra-op threads as wasm
 * has (`TF_NUM_INTRAOP_THREADS`, unless already set), one inter-op thread; both are fixed when
 * the binding loads, so a process that already loaded it keeps its own.
 */
const hybridProvider: EngineProvider = {
  packageName: '@tensorflow/tfjs-node',
  async start(importModule, context) {
    process.env.TF_NUM_INTRAOP_THREADS ??= String(context.threads);
    process.env.TF_NUM_INTEROP_THREADS ??= '1';
    await importNativeEngine('@tensorflow/tfjs-node', importModule, context);
    if (!(await tf.setBackend('tensorflow'))) throw new Error("@tensorflow/tfjs-node loaded but the 'tensorflow' backend did not start");
    await tf.ready();
    acceptMovedData(tf.backend());
    const wasm = await wasmProvider.start(importModule, context);
    return { name: 'hybrid', backend: wasm.backend, packageName: wasm.packageName, threads: wasm.threads, sequencePass: 'tensorflow' };
  },
};

/**
 * Engines by name, highest priority first. `auto` tries them in this order; a contributor
 * adding an engine registers it here with a priority.
 */
export const engines = new Registry<EngineProvider>('engine');
engines.register('tensorflow-gpu', nativeProvider('tensorflow-gpu', '@tensorflow/tfjs-node-gpu'), 30);
engines.register('tensorflow-cpu', nativeProvider('tensorflow-cpu', '@tensorflow/tfjs-node'), 20);
engines.register('wasm', wasmProvider, 10);
// Below wasm, so `auto` (which always finds wasm) never reaches it: it is asked for by name.
engines.register('hybrid', hybridProvider, 5);

/** User-facing choices → the registered engines they may use, in order. */
function candidatesFor(choice: string): string[] {
  switch (choice) {
    case 'auto':
      return engines.names().filter((name) => name !== 'hybrid');
    case 'tensorflow':
      return engines.names().filter((name) => name.startsWith('tensorflow'));
    default:
      if (engines.has(choice)) return [choice];
      throw new UnknownNameError('engine', choice, ['auto', 'tensorflow', ...engines.names()]);
  }
}

/**
 * Whether an import failed because `packageName` is not installed: Node's resolution codes,
 * or the resolver of a bundler or test runner (vite: `Could not resolve "…"`), which sets no code.
 */
function isModuleNotFound(error: unknown, packageName: string): boolean {
  const err = error as { code?: string; message?: string };
  if (typeof err?.message !== 'string' || !err.message.includes(packageName)) return false;
  return err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND' || (err.code === undefined && /^(Could not resolve|Cannot find (module|package)|Failed to load url)/.test(err.message));
}

let current: EngineInfo | undefined;

/** Resolves the start context (thread count, time box, injected fault) from options and environment. */
export function resolveEngineStartContext(options: EngineOptions = {}): EngineStartContext {
  const env = options.env ?? process.env;
  const { threads, requested } = resolveThreadCount(options.threads, env);
  if (requested > threads) logOnce(`threads-cap:${requested}`, `wasm runs at most ${MAX_WASM_THREADS} threads; using ${threads} of the ${requested} asked for`);
  const timeout = options.threadStartTimeoutMs ?? DEFAULT_THREAD_START_TIMEOUT_MS;
  if (!(timeout > 0)) throw new InvalidArgumentError('threadStartTimeoutMs', timeout, 'a positive number of milliseconds');
  return {
    threads,
    threadStartTimeoutMs: timeout,
    threadStartFault: resolveThreadStartFault(options.threadStartFault, env),
    threadPool: resolveThreadPoolPolicy(options.threadPool, env),
    locateEngine: options.locateEngine ?? (options.importModule ? undefined : (packageName) => locateInstalledEngine(packageName, { env })),
  };
}

/** Resolves the engine choice from options and environment, before anything is loaded. */
export function resolveEngineChoice(options: EngineOptions = {}): string {
  const env = options.env ?? process.env;
  const choice = options.engine ?? env[ENGINE_ENV_VAR] ?? 'auto';
  if (typeof choice !== 'string' || choice.length === 0) throw new InvalidArgumentError('engine', choice, "'auto', 'tensorflow', 'wasm' or 'hybrid'");
  return choice;
}

/**
 * Starts the tensor engine. `auto` picks `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` when installed (they are optional peer dependencies, loaded
 * dynamically), and otherwise wasm. Naming an engine that is not installed throws an
 * `EngineUnavailableError` that says what to install. The engine in use is logged once.
 *
 * Gradients of every op are registered because `@tensorflow/tfjs` (not only tfjs-core) is
 * imported here.
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const choice = resolveEngineChoice(options);
  const candidates = candidatesFor(choice);
  const context = resolveEngineStartContext(options);
  const importModule = options.importModule ?? dynamicImport;
  const failures: string[] = [];
  for (const name of candidates) {
    const provider = engines.get(name);
    if (current?.name === name && tf.getBackend() === current.backend) {
      if (current.backend === 'wasm' && current.threads !== context.threads) {
        logOnce(`threads-fixed:${context.threads}`, `wasm already runs on ${current.threads} thread${current.threads === 1 ? '' : 's'} in this process; ${context.threads} would need a new process`);
      }
      return current;
    }
    try {
      setSequencePassBackend(null);
      const info = await provider.start(importModule, context);
      current = info;
      setSequencePassBackend(info.sequencePass ?? null);
      const threadNote = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
      const passNote = info.sequencePass ? `; whole-sequence passes on ${info.sequencePass} (${provider.packageName})` : '';
      logOnce(`engine:${info.name}:${info.threads}`, `engine ${info.name} (${info.packageName}${threadNote}${passNote})`);
      return info;
    } catch (error) {
      const missing = isModuleNotFound(error, provider.packageName);
      const reason = missing ? `${provider.packageName} is not installed` : `${provider.packageName} failed to start: ${(error as Error)?.message ?? String(error)}`;
      failures.push(reason);
      if (choice === 'auto' && !missing) logOnce(`engine-fail:${name}`, `${reason}; trying the next engine`);
    }
  }
  const packages = candidates.map((name) => engines.get(name).packageName);
  throw new EngineUnavailableError(choice, packages, failures.join('; '));
}

/** The engine started by the last successful `initEngine`, if any. */
export function currentEngine(): EngineInfo | undefined {
  return current;
}

/**
 * Stops the engine: disposes its backend (for threaded wasm, terminating the pthread
 * workers) and waits until those workers have exited. A server calls it on SIGTERM; a CLI
 * need not, because the workers never keep a finished process alive. A later `initEngine`
 * starts afresh. Every tensor of the old backend is gone.
 */
export async function shutdownEngine(): Promise<void> {
  const running = current;
  current = undefined;
  setSequencePassBackend(null);
  installThreadPoolSwitch(undefined);
  // Native TensorFlow registers its backend on import only, so it stays; wasm can start again.
  if (running?.backend === 'wasm' && tf.engine().registryFactory.wasm) {
    packageWasmFactory ??= tf.engine().registryFactory.wasm;
    tf.removeBackend('wasm');
    restorePackageWasmFactory();
  }
  await waitForWasmThreadWorkersToExit();
}
