import { readFile } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';

/** Reads a JSON file; a missing file or invalid JSON is a `CheckpointError` naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CheckpointError(file, `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CheckpointError(file, `invalid JSON: ${(error as Error).message}`);
  }
}
