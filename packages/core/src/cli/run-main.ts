import { MariaError } from '../errors.js';

/**
 * The one-line form of an error for a command-line user: the message only, never a stack
 * trace (set `MARIA_DEBUG=1` to get the stack on stderr as well).
 */
export function formatErrorLine(error: unknown): string {
  const message = validationIssues(error) ?? (error instanceof Error ? error.message : String(error));
  const firstLine = message.split('\n')[0] ?? message;
  return `error: ${firstLine}`;
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

/**
 * Runs a command's main function with the error contract of every MARIA-TS binary: on
 * failure, one line on stderr and exit code 1 (2 for invalid arguments); with `--json`
 * commands additionally print `{"error", "message", "details"}` on stdout when `json` is true.
 */
export async function runMain(main: () => Promise<void>, options: { json?: () => boolean } = {}): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${formatErrorLine(error)}\n`);
    if (process.env.MARIA_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    if (options.json?.()) {
      const body = MariaError.isInstance(error) ? error.toJSON() : { error: 'Internal', message: formatErrorLine(error).slice(7), details: {} };
      process.stdout.write(`${JSON.stringify(body)}\n`);
    }
    process.exitCode = MariaError.isInstance(error) && error.code === 'InvalidArgument' ? 2 : 1;
  }
}
