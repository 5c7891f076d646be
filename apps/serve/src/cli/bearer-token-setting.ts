import { InvalidArgumentError } from '@maria-ts/core';

/**
 * The bearer token the server requires, from `--token` or else `MARIA_SERVE_TOKEN`. A token
 * that is set but empty is refused, whichever way it came: an empty `MARIA_SERVE_TOKEN`
 * (`MARIA_SERVE_TOKEN= maria-serve`, or a secret that failed to load) would otherwise start
 * the server without authentication while the operator believes it has one. Unset means no
 * token. Checked before the model loads, so the refusal is immediate (exit 2).
 */
export function bearerTokenSetting(flag: string | undefined, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag !== undefined) {
    if (flag.length === 0) throw new InvalidArgumentError('--token', flag, 'a non-empty token (omit --token to serve without one)');
    return flag;
  }
  const fromEnvironment = environment.MARIA_SERVE_TOKEN;
  if (fromEnvironment !== undefined && fromEnvironment.length === 0) {
    throw new InvalidArgumentError('MARIA_SERVE_TOKEN', fromEnvironment, 'a non-empty token (unset it to serve without one)');
  }
  return fromEnvironment;
}
