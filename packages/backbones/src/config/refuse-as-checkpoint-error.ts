import { CheckpointError } from '@maria-ts/core';
import { UnsupportedConfigError } from '../errors.js';

/**
 * Runs a config parser and turns an `UnsupportedConfigError` into a `CheckpointError` with
 * the same one-line message (`<config.json>: <key> = <value> is not supported (supported:
 * …)`), for families whose refusals are reported as checkpoint problems: a config value
 * the implementation does not honour makes the checkpoint unloadable, like a missing tensor.
 */
export function refuseAsCheckpointError<T>(source: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!UnsupportedConfigError.isInstance(error)) throw error;
    const { key, value, supported } = error.details as { key: string; value: unknown; supported: string };
    throw new CheckpointError(source, `${key} = ${JSON.stringify(value) ?? String(value)} is not supported (supported: ${supported})`);
  }
}
