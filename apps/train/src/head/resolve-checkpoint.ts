import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '@maria-ts/core';
import { pathExists } from '@maria-ts/backbones';

/**
 * A checkpoint directory from either a checkpoint directory (has config.json) or a training
 * run folder (has latest.json, whose `dir` is relative to the run folder), so
 * `--ar runs/pretrain/tiny-llama-ar` means "the newest complete AR checkpoint".
 */
export async function resolveCheckpointDir(dir: string): Promise<string> {
  if (await pathExists(path.join(dir, 'config.json'))) return dir;
  const pointer = path.join(dir, 'latest.json');
  if (!(await pathExists(pointer))) throw new CheckpointError(dir, 'neither a checkpoint (no config.json) nor a training run folder (no latest.json)');
  let latest: unknown;
  try {
    latest = JSON.parse(await readFile(pointer, 'utf8'));
  } catch {
    throw new CheckpointError(pointer, 'is not valid JSON');
  }
  const relative = (latest as { dir?: unknown } | null)?.dir;
  if (typeof relative !== 'string') throw new CheckpointError(pointer, 'has no "dir" naming the latest checkpoint');
  const resolved = path.join(dir, relative);
  if (!(await pathExists(path.join(resolved, 'config.json')))) throw new CheckpointError(resolved, 'the latest checkpoint has no config.json');
  return resolved;
}
