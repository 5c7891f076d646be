import { benchProgram } from '../index.js';

/**
 * Runs `maria-bench ...args` in this process (for tests) and returns what it wrote to stdout
 * and stderr and the exit code it set; the streams and `process.exitCode` are restored after.
 */
export async function benchInProcess(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const captured = { stdout: '', stderr: '' };
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: unknown) => ((captured.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => ((captured.stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await benchProgram().parseAsync(['node', 'maria-bench', ...args]);
    return { ...captured, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = 0;
  }
}
