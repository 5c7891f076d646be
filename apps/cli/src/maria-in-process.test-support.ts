import { runCommandLine } from '@maria-ts/cli-kit';
import { vi } from 'vitest';
import { mariaProgram } from './program.js';

/** What an in-process `maria …` run printed and the exit code it set. */
export interface MariaRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs `maria …args` in this process (for command tests), through `runCommandLine` as the
 * bin does: the command's own output and anything written to `process.stdout`/`process.stderr`
 * (runMain's error line and JSON error included) are collected, so a test sees exactly what
 * a user would. The spies stay until
 * the test's `vi.restoreAllMocks()`; reset `process.exitCode` there too.
 */
export async function runMariaInProcess(args: readonly string[]): Promise<MariaRun> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  // As bin.ts runs it: the parser's own errors (an unknown flag) follow runMain's contract too.
  await runCommandLine(mariaProgram({ stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) }), ['node', 'maria', ...args]);
  return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
}
