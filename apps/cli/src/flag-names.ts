import { InvalidArgumentError } from '@maria-ts/core';

/**
 * Runs `work` and renames the library's argument errors after the flags the user typed: the
 * decoder says `topP`, the user typed `--top-p`, and the message should say what they can
 * fix. `names` maps a library name (an `InvalidArgumentError`'s `details.name`) to its flag;
 * other errors pass through unchanged.
 */
export async function withFlagNames<T>(names: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!InvalidArgumentError.isInstance(error)) throw error;
    const flag = names[String(error.details.name)];
    if (flag === undefined) throw error;
    throw new InvalidArgumentError(flag, error.details.value, String(error.details.expected));
  }
}
