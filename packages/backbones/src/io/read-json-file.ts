import { readFile } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';
import { assertRegularFile } from './assert-regular-file.js';

/**
 * Reads a JSON file; a missing file, one that is not a regular file (a directory, a named
 * pipe) or invalid JSON is a `CheckpointError` naming it.
 */
export async function readJsonFile(file: string): Promise<unknown> {
  await assertRegularFile(file, 'JSON file');
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
