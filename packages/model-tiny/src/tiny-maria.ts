import path from 'node:path';
import { defineError } from '@maria-ts/core';
import { buildMariaModel, isMariaDirectory, readMariaDirectory, type LoadMariaModelOptions, type MariaDirectoryFiles, type MariaModel } from '@maria-ts/fusion-head';
import { MODEL_TINY_ASSETS } from './assets.js';

/** The embedded MARIA directory (maria.json, tokenizer, ar/, mlm/, head/, optional diffusion/). */
export const TINY_MARIA_DIR = path.join(MODEL_TINY_ASSETS, 'maria');

/**
 * The embedded weights are not in this copy of the package (not trained yet, or stripped).
 * Says where they were expected and how they are made, so a CLI can print it as one line.
 */
export const TinyMariaMissingError = defineError('TinyMariaMissing', (dir: string) => ({
  message: `the embedded tiny MARIA model is not at ${dir} yet (no maria.json); pass --model DIR, or build it with \`maria-train assemble ... --out ${dir}\` (see packages/model-tiny/README.md)`,
  details: { dir },
}));

/** True when this copy of the package ships the tiny MARIA weights. */
export async function hasTinyMaria(): Promise<boolean> {
  return isMariaDirectory(TINY_MARIA_DIR);
}

/**
 * Loads the embedded default MARIA (tiny AR + tiny MLM + trained head on the 8,192-id
 * tokenizer) in one call. Call `initEngine` first. A copy without weights throws
 * `TinyMariaMissingError`; damaged or mismatched files throw the loader's typed errors.
 */
export function loadTinyMaria(options: LoadMariaModelOptions = {}): Promise<MariaModel> {
  return loadMariaOrTiny(undefined, options);
}

/**
 * The `--model DIR` default every command shares (maria infill/generate, maria-bench): loads
 * the MARIA directory `dir` when one is given, else the embedded tiny MARIA. Call
 * `initEngine` first.
 */
export async function loadMariaOrTiny(dir: string | undefined, options: LoadMariaModelOptions = {}): Promise<MariaModel> {
  return buildMariaModel(await readMariaOrTiny(dir, options), options);
}

/**
 * `loadMariaOrTiny`'s first half: reads the directory (or the embedded one) into host memory
 * without an engine, so it can run while `initEngine` starts; `buildMariaModel` finishes.
 */
export async function readMariaOrTiny(dir: string | undefined, options: Pick<LoadMariaModelOptions, 'skipDiffusion'> = {}): Promise<MariaDirectoryFiles> {
  if (dir === undefined && !(await hasTinyMaria())) throw new TinyMariaMissingError(TINY_MARIA_DIR);
  return readMariaDirectory(dir ?? TINY_MARIA_DIR, options);
}
