import { escapeControlCharacters, explainEngineAbort, MariaError, terminalSafeJson } from '@maria-ts/core';

/**
 * The one-line form of an error for a command-line user: the message only, never a stack
 * trace (set `MARIA_DEBUG=1` to get the stack on stderr as well), with control characters
 * escaped, since messages quote files and arguments that may hold terminal escape sequences.
 */
export function formatErrorLine(error: unknown): string {
  const usage = parserError(error);
  const message = usage?.message ?? validationIssues(error) ?? (error instanceof Error ? error.message : String(error));
  const firstLine = message.split('\n')[0] ?? message;
  return `error: ${escapeControlCharacters(firstLine)}`;
}

/**
 * A schema validation error (zod's `ZodError`, recognised by its `issues` list so core needs
 * no zod) as `path: message; …`: its own message is multi-line JSON, whose first line is "[".
 */
function validationIssues(error: unknown): string | undefined {
  const issues = (error as { issues?: unknown } | null)?.issues;
  if (!(error instanceof Error) || !Array.isArray(issues) || issues.length === 0) return undefined;
  return issues
    .map((issue: { path?: unknown[]; message?: unknown }) => {
      const where = Array.isArray(issue.path) && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${where}${String(issue.message)}`;
    })
    .join('; ');
}

/** What commander reported (recognised by its `commander.*` code, so core needs no commander). */
interface ParserError {
  readonly code: string;
  readonly exitCode: number;
  /** Commander's message without its `error: ` prefix, on one line ("(Did you mean --top-p?)" joined on). */
  readonly message: string;
  /** Help or a version: commander has printed it, and there is nothing to add. */
  readonly printed: boolean;
}

const PRINTED_CODES = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

function parserError(error: unknown): ParserError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('commander.') || typeof exitCode !== 'number') return undefined;
  return { code, exitCode, message: error.message.replace(/^error: /u, '').replace(/\s*\n\s*/gu, ' '), printed: PRINTED_CODES.has(code) };
}

/**
 * Error codes that mean the user's input was wrong rather than the run failing: the CLI exits
 * 2 for them, as for a bad flag. The text to fill is input too, so a text with no mask marker
 * (`MissingMaskMarker`), an empty text (`EmptyText`) or one longer than the model allows
 * (`InputTooLong`) is an argument error, not a runtime failure.
 */
export const ARGUMENT_ERROR_CODES: ReadonlySet<string> = new Set(['InvalidArgument', 'MissingMaskMarker', 'EmptyText', 'InputTooLong']);

/**
 * Runs a command's main function with the error contract of every MARIA-TS binary: on
 * failure, one line on stderr and exit code 1 (2 for invalid arguments, commander's own
 * usage errors and the input errors of `ARGUMENT_ERROR_CODES` included); with `--json` commands additionally print
 * `{"error", "message", "details"}` on stdout when `json` is true. Help and version output
 * that commander printed keeps exit code 0.
 */
export async function runMain(main: () => Promise<void>, options: { json?: () => boolean } = {}): Promise<void> {
  try {
    await main();
  } catch (thrown) {
    // The wasm engine's abort ("Aborted()") says nothing by itself: name it and say what to do.
    const error = explainEngineAbort(thrown);
    const usage = parserError(error);
    if (usage?.printed) {
      process.exitCode = usage.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`${formatErrorLine(error)}\n`);
    if (process.env.MARIA_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    if (options.json?.()) {
      const body = MariaError.isInstance(error)
        ? error.toJSON()
        : usage
          ? { error: 'InvalidArgument', message: usage.message, details: { code: usage.code } }
          : { error: 'Internal', message: error instanceof Error ? error.message.split('\n')[0] : String(error), details: {} };
      process.stdout.write(`${terminalSafeJson(body)}\n`);
    }
    process.exitCode = usage || (MariaError.isInstance(error) && ARGUMENT_ERROR_CODES.has(error.code)) ? 2 : 1;
  }
}
