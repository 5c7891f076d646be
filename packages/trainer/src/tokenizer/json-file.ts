import { readFile } from 'node:fs/promises';
import { CheckpointError } from '@maria-ts/core';

/** True for a plain JSON object (not null, not an array), the shape of every tokenizer.json section. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses JSON text, turning a syntax error into a `CheckpointError` that names the file. */
export function parseJsonText(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(path, `not valid JSON (${(error as Error).message})`);
  }
}

/** Reads and parses a JSON file; `hint` is appended to the message when the file cannot be read. */
export async function readJsonFile(path: string, what: string, hint = ''): Promise<{ text: string; json: unknown }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CheckpointError(path, `cannot read the ${what} (${(error as Error).message})${hint}`);
  }
  return { text, json: parseJsonText(path, text) };
}
