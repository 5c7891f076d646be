import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Life cycle of the pthread workers, in child processes (the wasm module loads once per
 * process). The children run core from source through tsx, as `pnpm maria` does.
 */
const coreEntry = pathToFileURL(fileURLToPath(new URL('../index.ts', import.meta.url))).href;
/** The TensorFlow.js core loads, as the children's own import of it (core does not re-export it). */
const tfjsEntry = pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs')).href;
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from the child's `ready` line to its exit. */
  readonly exitAfterReadyMs: number;
}

/** Runs `source` (an ES module) in a fresh Node process; `onReady` fires at its first `ready` line. */
function runChild(source: string, onReady: (child: ReturnType<typeof spawn>) => void = () => undefined): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    // Flags the workers must not inherit: --input-type with a file entry fails a worker.
    const child = spawn(process.execPath, ['--import', tsxLoader, '--input-type=module', '--eval', source], {
      env: { ...process.env, MARIA_THREADS: undefined, MARIA_LOG: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let readyAt: number | undefined;
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (readyAt === undefined && stdout.includes('ready')) {
        readyAt = performance.now();
        onReady(child);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, exitAfterReadyMs: readyAt === undefined ? Number.NaN : performance.now() - readyAt });
    });
  });
}

describe('pthread worker life cycle', () => {
  it('lets a finished 2-thread command exit at once', async () => {
    const run = await runChild(`
      import * as tf from '${tfjsEntry}';
      import { initEngine, matMul } from '${coreEntry}';
      const info = await initEngine({ engine: 'wasm', threads: 2 });
      const product = matMul(tf.ones([256, 256]), tf.ones([256, 256]));
      console.log('ready', JSON.stringify({ threads: info.threads, corner: product.dataSync()[0] }));
    `);
    expect(run.stderr).toContain('engine wasm (@tensorflow/tfjs-backend-wasm, 2 threads)');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({ threads: 2, corner: 256 });
    expect(run.exitAfterReadyMs).toBeLessThan(3_000);
  });

  it('ends a server cleanly on SIGTERM: shutdownEngine stops every worker', async () => {
    const run = await runChild(
      `
      import * as tf from '${tfjsEntry}';
      import { initEngine, liveWasmThreadWorkers, matMul, shutdownEngine } from '${coreEntry}';
      const info = await initEngine({ engine: 'wasm', threads: 2 });
      matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync();
      const server = setInterval(() => undefined, 1_000);
      process.once('SIGTERM', async () => {
        await shutdownEngine();
        clearInterval(server);
        console.log('stopped', JSON.stringify({ threads: info.threads, live: liveWasmThreadWorkers() }));
      });
      console.log('ready');
    `,
      (child) => child.kill('SIGTERM'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.signal).toBeNull();
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({ threads: 2, live: 0 });
    expect(run.exitAfterReadyMs).toBeLessThan(3_000);
  });
});
