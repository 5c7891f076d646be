import { describe, expect, it, vi } from 'vitest';
import { runCommandLine, type CommandTree } from './run-command-line.js';

/** A commander error as commander builds it (core recognises it by shape; it has no commander). */
function commanderError(code: string, exitCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, exitCode, nestedError: undefined });
}

/** A two-level command tree whose parse fails the way commander's does once exitOverride is set. */
function fakeProgram(failure: Error | undefined): { program: CommandTree; prepared: string[] } {
  const prepared: string[] = [];
  const node = (name: string, children: CommandTree[]): CommandTree => ({
    commands: children,
    exitOverride: () => prepared.push(`${name}:exitOverride`),
    configureOutput: (configuration) => {
      prepared.push(`${name}:configureOutput`);
      configuration.outputError?.('error: not shown\n', () => prepared.push(`${name}:wrote`));
    },
    parseAsync: async () => {
      if (failure) throw failure;
    },
  });
  return { program: node('root', [node('sub', [])]), prepared };
}

async function capture(run: () => Promise<void>): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    await run();
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = 0;
  }
}

describe('runCommandLine: argument errors of the parser', () => {
  it('prepares every command of the tree (subcommands do not inherit exitOverride from addCommand)', async () => {
    const { program, prepared } = fakeProgram(undefined);
    await capture(() => runCommandLine(program, ['node', 'x']));
    expect(prepared).toEqual(['root:exitOverride', 'root:configureOutput', 'sub:exitOverride', 'sub:configureOutput']);
  });

  it('an unknown flag exits 2 with one escaped line, and a JSON error on stdout under --json', async () => {
    const failure = commanderError('commander.unknownOption', 1, "error: unknown option '--tpo-p\u001b[2J'\n(Did you mean --top-p?)");
    const plain = await capture(() => runCommandLine(fakeProgram(failure).program, ['node', 'x', 'sub', '--tpo-p']));
    expect(plain).toEqual({ stdout: '', stderr: "error: unknown option '--tpo-p\\x1b[2J' (Did you mean --top-p?)\n", exitCode: 2 });
    const json = await capture(() => runCommandLine(fakeProgram(failure).program, ['node', 'x', 'sub', '--tpo-p', '--json']));
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: 'InvalidArgument', message: "unknown option '--tpo-p\u001b[2J' (Did you mean --top-p?)", details: { code: 'commander.unknownOption' } });
  });

  it('help and version stay exit 0 and print nothing more', async () => {
    const help = await capture(() => runCommandLine(fakeProgram(commanderError('commander.helpDisplayed', 0, '(outputHelp)')).program, ['node', 'x', '--help', '--json']));
    expect(help).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    const bare = await capture(() => runCommandLine(fakeProgram(commanderError('commander.help', 1, '(outputHelp)')).program, ['node', 'x']));
    expect(bare).toEqual({ stdout: '', stderr: '', exitCode: 2 });
  });
});
