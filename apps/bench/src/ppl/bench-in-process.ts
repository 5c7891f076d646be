import { Command } from 'commander';

/**
 * Runs `maria-bench ...args` in this process (for tests), with only `command` registered (so a
 * test does not load every other benchmark), and returns what it wrote to stdout and stderr
 * and the exit code it set; the streams and `process.exitCode` are restored after.
 */
export async function benchInProcess(command: () => Command, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const captured = { stdout: '', stderr: '' };
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: unknown) => ((captured.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => ((captured.stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await new Command('maria-bench').addCommand(command()).parseAsync(['node', 'maria-bench', ...args]);
    return { ...captured, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = 0;
  }
}
