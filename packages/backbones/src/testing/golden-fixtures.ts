import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDataPath } from '@maria-ts/core/testing';

/**
 * Where the golden fixtures live: `MARIA_FIXTURES_DIR`, else the repository test data
 * (`tooling/test-data/fixtures`). Tests read checkpoints through the public loader from here.
 */
export const FIXTURES_DIR = process.env.MARIA_FIXTURES_DIR ?? testDataPath('fixtures');

/** One case of a golden.json (schema at the end of SOURCES.md). */
export interface GoldenCase {
  readonly name: string;
  readonly input_ids: number[];
  readonly hidden: number[][];
  readonly logits?: number[][];
  readonly logits_first64?: number[][];
  readonly logits_logsumexp?: number[];
  readonly logits_selected_ids?: number[];
  readonly logits_selected?: number[][];
  readonly layer_hidden?: number[][][];
}

export interface Golden {
  readonly model_type: string;
  readonly architecture: string;
  readonly weights_dtype: string;
  readonly cases: GoldenCase[];
  readonly tolerance: { atol: number; rtol: number };
  readonly mask_token_id?: number;
}

/** Fixture folder names that have a golden.json, sorted. */
export function goldenFixtureNames(): string[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR)
    .filter((name) => existsSync(join(FIXTURES_DIR, name, 'golden.json')))
    .sort();
}

export function readGolden(name: string): Golden {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name, 'golden.json'), 'utf8')) as Golden;
}

export function fixtureDir(name: string): string {
  return join(FIXTURES_DIR, name);
}
