/**
 * Multi-threaded wasm in Node: starts `@tensorflow/tfjs-backend-wasm`'s threaded SIMD binary
 * on `worker_threads`, which the package itself never does in Node (its
 * `WASM_HAS_MULTITHREAD_SUPPORT` flag is false there, so it runs one thread).
 *
 * Forcing that flag on is not enough. The package's bundle (`dist/tf-backend-wasm.node.js`,
 * 4.22.0) fails in four ways, and this adapter avoids each one without editing node_modules:
 *
 * 1. It hands emscripten's pthread worker to Node as a `blob:` URL, which Node's `Worker`
 *    refuses (`ERR_WORKER_PATH`). Here `locateFile('*.worker.js')` returns a real file,
 *    `wasm-pthread-worker.cjs`, which runs the package's own worker source.
 * 2. Each worker receives the main script as a `Blob`, which its `importScripts` cannot read
 *    from disk. Here `mainScriptUrlOrBlob` is the path of the unbundled factory the package
 *    ships in `wasm-out/`.
 * 3. The bundle's main script is the factory's `toString()`, which refers to bundler-renamed
 *    names (`require$$0`, `commonjsGlobal`, ...) that do not exist in a worker. The `wasm-out/`
 *    factory is the same emscripten output before bundling, so its `require("fs")` calls work.
 * 4. The C++ side sizes XNNPACK's pool as `min(requested, 8, emscripten_num_logical_cores()/2)`,
 *    assuming two hyper-threads per core, and reads the core count from `os.cpus()` at start:
 *    on a 2-CPU machine the cap is 1. Here `instantiateWasm` replaces that one import so the
 *    halved count equals the thread count asked for.
 *
 * The module it builds is handed to the package's own exported `BackendWasm`, so kernels and
 * the `getThreadsCount()` read-back behave exactly as in the package. The whole start is
 * time-boxed; the caller falls back to the single-threaded binary when it throws.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../errors.js';
import { createThreadPoolSwitch, type ThreadPoolSwitch } from './thread-pool-switch.js';

/** The environment variable that sets the wasm thread count (a `threads` option wins over it). */
export const THREADS_ENV_VAR = 'MARIA_THREADS';

/**
 * Most threads the threaded binary can run. Its C++ side caps XNNPACK's pool at 8, and the
 * workers must all be pre-started (one started while the main thread blocks in
 * pthread_create would deadlock). `'auto'` and larger requests are capped here.
 */
export const MAX_WASM_THREADS = 8;

/** The one `@tensorflow/tfjs-backend-wasm` version whose internals this adapter was checked against. */
export const SUPPORTED_WASM_PACKAGE_VERSION = '4.22.0';

/** How long the threaded start may take before falling back to one thread. It takes ~0.3 s here. */
export const DEFAULT_THREAD_START_TIMEOUT_MS = 5_000;

/** What a user can ask for: a thread count, or `'auto'` for the machine's available parallelism. */
export type ThreadsChoice = number | 'auto';

/** A fault to inject into the threaded start, so tests can exercise the fallback. */
export type ThreadStartFault = 'error' | 'hang';

/** The environment variable that injects a {@link ThreadStartFault} (tests only). */
export const THREAD_FAULT_ENV_VAR = 'MARIA_THREADS_FAULT';

/** The thread count to start with, and why. */
export interface ThreadCountResolution {
  /** Threads to ask the backend for, 1 … {@link MAX_WASM_THREADS}. */
  readonly threads: number;
  /** What was asked for before capping (`'auto'` already replaced by the machine's parallelism). */
  readonly requested: number;
}

/**
 * Resolves the wasm thread count: the `threads` option (a CLI `--threads` passes its value
 * here), else `MARIA_THREADS`, else `'auto'`. `'auto'` is `os.availableParallelism()`. Both are
 * capped at {@link MAX_WASM_THREADS}. Anything but a positive integer or `'auto'` throws.
 */
export function resolveThreadCount(
  option: ThreadsChoice | string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  availableParallelism: () => number = os.availableParallelism,
): ThreadCountResolution {
  const fromEnv = env[THREADS_ENV_VAR];
  const raw = option ?? (fromEnv === undefined || fromEnv.trim() === '' ? 'auto' : fromEnv);
  const source = option !== undefined ? 'threads' : THREADS_ENV_VAR;
  let requested: number;
  if (raw === 'auto' || (typeof raw === 'string' && raw.trim().toLowerCase() === 'auto')) {
    requested = Math.max(1, availableParallelism());
  } else {
    requested = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(requested) || requested < 1) throw new InvalidArgumentError(source, raw, "a positive integer or 'auto'");
  }
  return { threads: Math.min(requested, MAX_WASM_THREADS), requested };
}

/** Reads the injected fault, if any, from the option or `MARIA_THREADS_FAULT`. */
export function resolveThreadStartFault(
  option: ThreadStartFault | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ThreadStartFault | undefined {
  const raw = option ?? env[THREAD_FAULT_ENV_VAR];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'error' || raw === 'hang') return raw;
  throw new InvalidArgumentError(THREAD_FAULT_ENV_VAR, raw, "'error' or 'hang'");
}

/** The parts of `@tensorflow/tfjs-backend-wasm`'s exports this adapter uses. */
export interface WasmBackendPackage {
  readonly BackendWasm: new (module: never) => tf.KernelBackend;
  readonly setThreadsCount: (threads: number) => void;
  readonly getThreadsCount: () => number;
  readonly version_wasm: string;
}

/** A pthread worker as emscripten keeps it: a Node `Worker` with a `loaded` mark. */
interface EmscriptenWorker extends Worker {
  loaded?: boolean;
}

/** Emscripten's pthread bookkeeping on the main thread (`Module.PThread`). */
interface EmscriptenPThread {
  unusedWorkers: EmscriptenWorker[];
  runningWorkers: EmscriptenWorker[];
  terminateAllThreads(): void;
}

type CFunction = (...args: number[]) => unknown;

/** The emscripten module object, also the factory's configuration (emscripten fills it in). */
interface ThreadedModule {
  locateFile(file: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object;
  onAbort(what: unknown): void;
  printErr(text: string): void;
  PThread?: EmscriptenPThread;
  cwrap?: (name: string, returnType: string | null, argumentTypes: string[]) => CFunction;
  tfjs?: Record<string, CFunction>;
}

type ThreadedFactory = (module: ThreadedModule) => Promise<ThreadedModule>;

/** Files of the threaded build, resolved the way the worker script resolves them. */
interface ThreadedFiles {
  readonly packageDirectory: string;
  readonly factory: string;
  readonly binary: string;
  readonly packageWorkerSource: string;
  readonly workerScript: string;
}

/**
 * The worker script ships in `src/runtime/`. From a build in `dist/runtime/` it is found in
 * the package's `src/` (published alongside `dist/`).
 */
function workerScriptPath(): string {
  const candidates = ['./wasm-pthread-worker.cjs', '../../src/runtime/wasm-pthread-worker.cjs'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the pthread worker script is missing (looked at ${candidates.join(', ')})`);
  return found;
}

function locateThreadedFiles(): ThreadedFiles {
  const workerScript = workerScriptPath();
  const require = createRequire(workerScript);
  const packageDirectory = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmOut = path.join(packageDirectory, 'wasm-out');
  const files = {
    packageDirectory,
    factory: path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js'),
    binary: path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.wasm'),
    packageWorkerSource: path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js'),
    workerScript,
  };
  for (const file of [files.factory, files.binary, files.packageWorkerSource]) {
    if (!existsSync(file)) throw new Error(`${file} is missing`);
  }
  return files;
}

function checkVersion(files: ThreadedFiles, wasmPackage: WasmBackendPackage): void {
  const manifest = JSON.parse(readFileSync(path.join(files.packageDirectory, 'package.json'), 'utf8')) as { version?: string };
  for (const version of [manifest.version, wasmPackage.version_wasm]) {
    if (version !== SUPPORTED_WASM_PACKAGE_VERSION) {
      throw new Error(`the threaded start is checked against @tensorflow/tfjs-backend-wasm ${SUPPORTED_WASM_PACKAGE_VERSION} only, found ${version ?? 'no version'}`);
    }
  }
}

/**
 * A pthread worker started without the parent's `execArgv`. Node workers inherit it by
 * default, and flags meant for the main script break them (`--input-type` makes a file entry
 * fail) or slow them down (tsx's `--import` loader in each of the 8 workers). The workers run
 * plain CommonJS and need none.
 */
class PthreadWorker extends Worker {
  constructor(filename: string | URL, options: WorkerOptions = {}) {
    super(filename, { ...options, execArgv: [] });
  }
}

/**
 * Emscripten assigns `global.Worker = require('worker_threads').Worker` and then calls
 * `new Worker(file)` for each pre-started worker, all inside the factory's synchronous run.
 * For exactly that run, the global reads as {@link PthreadWorker}; the previous global (none in
 * Node 20) comes back afterwards.
 */
function withPthreadWorkerClass<T>(run: () => T): T {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => undefined });
  try {
    return run();
  } finally {
    if (previous) Object.defineProperty(globalThis, 'Worker', previous);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}

/** Every pthread worker this adapter started that has not exited yet. */
const liveWorkers = new Set<Worker>();

function track(pthread: EmscriptenPThread | undefined): void {
  for (const worker of [...(pthread?.unusedWorkers ?? []), ...(pthread?.runningWorkers ?? [])]) {
    if (liveWorkers.has(worker)) continue;
    liveWorkers.add(worker);
    worker.once('exit', () => liveWorkers.delete(worker));
  }
}

/** Number of pthread workers started by this adapter that are still alive (tests check it drops to 0). */
export function liveWasmThreadWorkers(): number {
  return liveWorkers.size;
}

/**
 * Resolves once every pthread worker this adapter started has exited, or rejects after
 * `timeoutMs`. Terminating is the backend's job (`BackendWasm.dispose`); this only waits.
 */
export async function waitForWasmThreadWorkersToExit(timeoutMs = 5_000): Promise<void> {
  const pending = [...liveWorkers].map((worker) => new Promise<void>((resolve) => {
    if (!liveWorkers.has(worker)) resolve();
    else worker.once('exit', () => resolve());
  }));
  await withTimeout(Promise.all(pending), timeoutMs, () => `${liveWorkers.size} wasm pthread worker(s) still alive after ${timeoutMs} ms`);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The process listeners the emscripten factory installs (it rethrows from both). */
const PROCESS_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

function processListeners(): Map<string, readonly unknown[]> {
  return new Map(PROCESS_EVENTS.map((event) => [event, process.listeners(event as 'uncaughtException')]));
}

/** Removes the process listeners added since `before`, so a failed start leaves none behind. */
function removeAddedListeners(before: Map<string, readonly unknown[]>): void {
  for (const event of PROCESS_EVENTS) {
    for (const listener of process.listeners(event as 'uncaughtException')) {
      if (!before.get(event)?.includes(listener)) process.removeListener(event, listener);
    }
  }
}

/** The statement of the emscripten factory that fixes how many pthread workers it pre-starts. */
const PTHREAD_POOL_STATEMENT = 'var pthreadPoolSize=8;';

/**
 * Evaluates the threaded factory (a CommonJS file) with its pre-started worker pool cut from
 * emscripten's fixed 8 to `poolSize`, the workers XNNPACK's pool will run on (`threads − 1`;
 * the main thread is the pool's first thread). Each pre-started worker loads and instantiates
 * the whole module, so at 2 threads this cuts the start from ~260 ms to ~100 ms here. Only
 * the main thread's copy is patched: the workers load the file unchanged, and in a worker
 * that statement never runs.
 */
function loadFactory(file: string, poolSize: number): ThreadedFactory {
  const source = readFileSync(file, 'utf8');
  if (!source.includes(PTHREAD_POOL_STATEMENT)) throw new Error(`${file} no longer holds "${PTHREAD_POOL_STATEMENT}"`);
  const patched = source.replace(PTHREAD_POOL_STATEMENT, `var pthreadPoolSize=${poolSize};`);
  const commonJs = { exports: {} as unknown };
  const run = vm.compileFunction(patched, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  run(commonJs.exports, createRequire(file), commonJs, file, path.dirname(file));
  const factory = commonJs.exports as ThreadedFactory;
  if (typeof factory !== 'function') throw new Error(`${file} does not export the emscripten factory`);
  return factory;
}

export interface ThreadedWasmOptions {
  /** Threads to start, 2 … {@link MAX_WASM_THREADS}. */
  readonly threads: number;
  /** Time box of the whole start. Default {@link DEFAULT_THREAD_START_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Test hook: `'error'` points the binary at a missing file, `'hang'` starts workers that never load. */
  readonly fault?: ThreadStartFault;
  /** Receives emscripten's own diagnostics. */
  readonly printErr?: (text: string) => void;
}

export interface ThreadedWasmBackend {
  /** The package's `BackendWasm` around the threaded module, not yet registered with tfjs. */
  readonly backend: tf.KernelBackend;
  /** Threads in XNNPACK's pool, read back from the backend (`getThreadsCount()`). */
  readonly threads: number;
  /** Wall time of the start. */
  readonly startMilliseconds: number;
  /** Turns XNNPACK's pool on and off (see `thread-pool-switch.ts`); absent if the binary's pool global was not found. */
  readonly poolSwitch?: ThreadPoolSwitch;
}

/**
 * Starts the threaded SIMD module and wraps it in the package's `BackendWasm`. Throws (after
 * terminating every worker it started) when anything goes wrong or the start exceeds its time
 * box; the caller then falls back to one thread.
 *
 * Only the pool's `threads − 1` workers are pre-started; pool threads are `unref`'d, so they
 * never keep a finished process alive, and any idle pre-started worker is terminated.
 * `BackendWasm.dispose()` (called by `tf.removeBackend('wasm')`) terminates the rest.
 */
export async function startThreadedWasm(wasmPackage: WasmBackendPackage, options: ThreadedWasmOptions): Promise<ThreadedWasmBackend> {
  const { threads, fault } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_THREAD_START_TIMEOUT_MS;
  if (!Number.isSafeInteger(threads) || threads < 2 || threads > MAX_WASM_THREADS) {
    throw new InvalidArgumentError('threads', threads, `an integer from 2 to ${MAX_WASM_THREADS} for the threaded binary`);
  }
  const started = performance.now();
  const files = locateThreadedFiles();
  checkVersion(files, wasmPackage);
  const factory = loadFactory(files.factory, threads - 1);

  const binary = fault === 'error' ? `${files.binary}.missing` : files.binary;
  // The package's worker source file only exports a string: as a worker script it exits at
  // once without ever loading, which is what a broken start looks like.
  const workerScript = fault === 'hang' ? files.packageWorkerSource : files.workerScript;
  let failStart: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failStart = reject;
  });
  let binaryBytes: Uint8Array | undefined;
  let memory: WebAssembly.Memory | undefined;
  const module: ThreadedModule = {
    locateFile: (file, prefix) => (file.endsWith('.worker.js') ? workerScript : file.endsWith('.wasm') ? binary : prefix + file),
    mainScriptUrlOrBlob: files.factory,
    instantiateWasm(imports, receiveInstance) {
      const env = imports.env as Record<string, unknown> | undefined;
      if (typeof env?.emscripten_num_logical_cores !== 'function') throw new Error('the binary no longer imports emscripten_num_logical_cores');
      // The C++ side halves this count (two hyper-threads per core) before capping the pool.
      env.emscripten_num_logical_cores = () => 2 * threads;
      if (env.memory instanceof WebAssembly.Memory) memory = env.memory;
      readFile(binary)
        .then((bytes) => {
          binaryBytes = bytes;
          return WebAssembly.instantiate(bytes, imports);
        })
        .then(({ instance, module: compiled }) => receiveInstance(instance, compiled))
        .catch(failStart);
      return {};
    },
    onAbort: (what) => failStart(new Error(`emscripten aborted: ${String(what)}`)),
    printErr: options.printErr ?? ((text) => process.stderr.write(`${text}\n`)),
  };

  const listenersBefore = processListeners();
  try {
    const ready = withPthreadWorkerClass(() => factory(module));
    ready.catch(() => undefined);
    track(module.PThread);
    await withTimeout(Promise.race([ready, failed]), timeoutMs, () => `the ${threads}-thread start did not finish within ${timeoutMs} ms`);

    const pthread = module.PThread;
    const cwrap = module.cwrap;
    if (!pthread || !cwrap) throw new Error('the emscripten module lacks PThread or cwrap');
    const loaded = pthread.unusedWorkers.filter((worker) => worker.loaded).length;
    // pthreadpool_create blocks the main thread until its threads run; a worker that is not
    // loaded yet would need this thread's event loop to start, so it would never come.
    if (loaded < threads - 1) throw new Error(`only ${loaded} pthread workers loaded, ${threads - 1} needed`);
    // The same C bindings the package's own start-up attaches; BackendWasm calls them.
    module.tfjs = {
      init: cwrap('init', null, []),
      initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: cwrap('get_threads_count', 'number', []),
      registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: cwrap('dispose_data', null, ['number']),
      dispose: cwrap('dispose', null, []),
    };
    wasmPackage.setThreadsCount(threads);
    const backend = new wasmPackage.BackendWasm(module as never);
    const actual = wasmPackage.getThreadsCount();
    const getThreadsCount = module.tfjs.getThreadsCount as () => number;
    const poolSwitch = binaryBytes && memory ? createThreadPoolSwitch(binaryBytes, memory, getThreadsCount, actual) : undefined;
    track(pthread);
    for (const worker of pthread.runningWorkers) worker.unref();
    await Promise.all(pthread.unusedWorkers.splice(0).map((worker) => worker.terminate()));
    return { backend, threads: actual, startMilliseconds: performance.now() - started, ...(poolSwitch ? { poolSwitch } : {}) };
  } catch (error) {
    module.PThread?.terminateAllThreads();
    removeAddedListeners(listenersBefore);
    // Best effort: the fallback should not start while these workers still wind down.
    await waitForWasmThreadWorkersToExit(2_000).catch(() => undefined);
    throw error;
  }
}
