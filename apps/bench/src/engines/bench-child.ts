import { spawn } from 'node:child_process';
import type { EngineConfiguration } from '@maria-ts/benchmarks';

/** Runs `maria-bench <args>` in a fresh process (an engine and its thread count are fixed per process) and parses its JSON. */
export function runBenchChild<T>(args: readonly string[], what: string): Promise<T> {
  const script = process.argv[1];
  if (!script) throw new Error('cannot locate the maria-bench entry script to start a child process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lastError = stderr.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('maria') || /error/i.test(line)).at(-1);
      if (code !== 0) return reject(new Error(`${what} exited with code ${code}${lastError ? `: ${lastError}` : ''}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`${what} printed no JSON`));
      }
    });
  });
}

export function engineArgs(configuration: EngineConfiguration): string[] {
  return ['--engine', configuration.engine, ...(configuration.threads ? ['--threads', String(configuration.threads)] : [])];
}
