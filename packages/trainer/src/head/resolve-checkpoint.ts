import path from 'node:path';
import { CheckpointError, log } from '@maria-ts/core';
import { pathExists, resolveModelDir } from '@maria-ts/backbones';
import { CheckpointStore } from '../trainer/checkpoint-store.js';

/**
 * A checkpoint directory from either a checkpoint directory (has config.json) or a training
 * run folder (has latest.json, whose `dir` is relative to the run folder), so
 * `--ar runs/pretrain/tiny-llama-ar` means "the newest complete AR checkpoint". A damaged
 * latest.json falls back to the newest complete checkpoint, as resuming does, with a warning
 * naming the file (`onWarning`, default core's `log`).
 */
export async function resolveCheckpointDir(dir: string, onWarning: (line: string) => void = log): Promise<string> {
  if (await pathExists(path.join(dir, 'config.json'))) return dir;
  const latest = await new CheckpointStore(dir).latest(onWarning);
  if (!latest) throw new CheckpointError(dir, 'neither a checkpoint (no config.json) nor a training run folder (no latest.json)');
  if (!(await pathExists(path.join(latest.dir, 'config.json')))) throw new CheckpointError(latest.dir, 'the latest checkpoint has no config.json');
  return latest.dir;
}

/**
 * A backbone given on the command line: an existing path is a checkpoint or a training run
 * folder (`resolveCheckpointDir`), anything else a Hugging Face model id, downloaded once
 * into the cache (`resolveModelDir`).
 */
export async function resolveBackboneSource(given: string): Promise<string> {
  if (await pathExists(given)) return resolveCheckpointDir(given);
  return resolveModelDir(given);
}
