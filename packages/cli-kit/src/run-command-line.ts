import { runMain } from './run-main.js';

/**
 * The part of a commander `Command` that `runCommandLine` uses, written out so core needs no
 * commander (a commander program satisfies it as it is).
 */
export interface CommandTree {
  readonly commands: readonly CommandTree[];
  exitOverride(): unknown;
  configureOutput(configuration: { outputError?: (text: string, write: (text: string) => void) => void }): unknown;
  parseAsync(argv: readonly string[]): Promise<unknown>;
}

/**
 * Parses `argv` with a commander program under `runMain`'s contract, which makes the
 * parser's own errors (an unknown flag, a missing value, a missing required option) behave
 * like every other argument error: one escaped line on stderr, exit code 2, and a JSON error
 * on stdout when `--json` was given. Every command of the tree is told to throw instead of
 * calling `process.exit` (a subcommand added with `addCommand` does not inherit that) and
 * not to print the error itself, so `runMain` prints it once. `--help` still exits 0.
 */
export async function runCommandLine(program: CommandTree, argv: readonly string[] = process.argv, options: { json?: () => boolean } = {}): Promise<void> {
  prepare(program);
  await runMain(
    async () => {
      await program.parseAsync(argv);
    },
    { json: options.json ?? (() => argv.includes('--json')) },
  );
}

function prepare(command: CommandTree): void {
  command.exitOverride();
  command.configureOutput({ outputError: () => undefined });
  for (const child of command.commands) prepare(child);
}
