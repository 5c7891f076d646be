import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EngineUnavailableError, InvalidArgumentError, UnknownNameError } from '../errors.js';
import { Registry } from '../registry.js';
import { logOnce } from './log.js';

/** What a user can ask for. `tensorflow` means native TensorFlow (GPU build first, then CPU build). */
export type EngineChoice = 'auto' | 'tensorflow' | 'wasm';

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
  /** Threads the backend computes with. */
  readonly threads: number;
}

export interface EngineOptions {
  /** Default: the `MARIA_ENGINE` env var, else `'auto'`. A CLI `--engine` flag passes its value here. */
  readonly engine?: EngineChoice | string;
  /** Environment to read overrides from (injected for tests). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Dynamic import used to load optional engine packages (injected for tests). */
  readonly importModule?: (specifier: string) => Promise<unknown>;
}

/** A way to start one engine. `start` throws when its package is missing or broken. */
export interface EngineProvider {
  /** npm package that must be installed. */
  readonly packageName: string;
  start(importModule: (specifier: string) => Promise<unknown>): Promise<EngineInfo>;
}

const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);

/** Native TensorFlow bindings register a `tensorflow` backend when imported. */
function nativeProvider(name: string, packageName: string): EngineProvider {
  return {
    packageName,
    async start(importModule) {
      await importModule(packageName);
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

const wasmProvider: EngineProvider = {
  packageName: '@tensorflow/tfjs-backend-wasm',
  async start(importModule) {
    const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${wasmBinaryDirectory()}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    await tf.ready();
    return { name: 'wasm', backend: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', threads: 1 };
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

/** User-facing choices → the registered engines they may use, in order. */
function candidatesFor(choice: string): string[] {
  switch (choice) {
    case 'auto':
      return engines.names();
    case 'tensorflow':
      return engines.names().filter((name) => name.startsWith('tensorflow'));
    default:
      if (engines.has(choice)) return [choice];
      throw new UnknownNameError('engine', choice, ['auto', 'tensorflow', ...engines.names()]);
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const err = error as { code?: string; message?: string };
  return (
    (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') &&
    typeof err.message === 'string' &&
    err.message.includes(packageName)
  );
}

let current: EngineInfo | undefined;

/** Resolves the engine choice from options and environment, before anything is loaded. */
export function resolveEngineChoice(options: EngineOptions = {}): string {
  const env = options.env ?? process.env;
  const choice = options.engine ?? env[ENGINE_ENV_VAR] ?? 'auto';
  if (typeof choice !== 'string' || choice.length === 0) throw new InvalidArgumentError('engine', choice, "'auto', 'tensorflow' or 'wasm'");
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
  const importModule = options.importModule ?? dynamicImport;
  const failures: string[] = [];
  for (const name of candidates) {
    const provider = engines.get(name);
    if (current?.name === name && tf.getBackend() === current.backend) return current;
    try {
      const info = await provider.start(importModule);
      current = info;
      const threadNote = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
      logOnce(`engine:${info.name}:${info.threads}`, `engine ${info.name} (${info.packageName}${threadNote})`);
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
