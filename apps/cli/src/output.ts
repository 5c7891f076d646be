/**
 * Where a command writes. Commands print results to `stdout` and nothing else there, so
 * `--json` output stays machine-readable; tests pass their own writers to run commands
 * in-process.
 */
export interface CommandOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processOutput: CommandOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};
