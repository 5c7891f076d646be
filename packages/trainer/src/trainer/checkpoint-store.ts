import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { CheckpointError, writeFileAtomic } from '@maria-ts/core';
import type { AdamWState } from '@maria-ts/optim';
import { readSafetensors, writeSafetensors } from '@maria-ts/backbones';

/** What a checkpoint records besides tensors. */
export interface CheckpointMeta {
  readonly step: number;
  readonly options: Record<string, unknown>;
  /** Free-form description of the task (objective, architecture config), checked on resume. */
  readonly task: Record<string, unknown>;
  readonly savedAt: string;
}

export interface LoadedCheckpoint {
  readonly meta: CheckpointMeta;
  /** Values of the task's variables, by position in `TrainingTask.variables`. */
  readonly values: Float32Array[];
  readonly optimizer: AdamWState;
  readonly dir: string;
}

const STATE_FILE = 'trainer-state.safetensors';
const META_FILE = 'trainer-state.json';
const LATEST_FILE = 'latest.json';

/** Both state files present as regular files and the metadata valid JSON: what `save` leaves behind. */
async function isCompleteCheckpoint(dir: string): Promise<boolean> {
  try {
    if (!(await stat(path.join(dir, STATE_FILE))).isFile()) return false;
    const meta = path.join(dir, META_FILE);
    if (!(await stat(meta)).isFile()) return false;
    JSON.parse(await readFile(meta, 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Resumable checkpoints under `<outDir>/checkpoints/step-NNNNNNN/`: the variables and AdamW's
 * moments (safetensors, F32, keyed by variable position), the run's metadata, and whatever
 * `exportModel` writes (the Hugging Face files of the model). Each checkpoint is written into
 * a temporary directory and renamed into place, and `latest.json` is replaced atomically
 * last, so a `kill -9` at any moment leaves the previous checkpoint intact and pointed to.
 */
export class CheckpointStore {
  constructor(readonly outDir: string) {}

  private get root(): string {
    return path.join(this.outDir, 'checkpoints');
  }

  async save(
    step: number,
    contents: {
      variables: readonly tf.Variable[];
      optimizer: AdamWState;
      meta: Omit<CheckpointMeta, 'step' | 'savedAt'>;
      exportModel?: (dir: string) => Promise<void>;
    },
    keep: number,
  ): Promise<string> {
    const name = `step-${String(step).padStart(7, '0')}`;
    const finalDir = path.join(this.root, name);
    const temporaryDir = path.join(this.root, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    await mkdir(temporaryDir, { recursive: true });
    try {
      const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
      contents.variables.forEach((variable, index) => {
        tensors.set(`param.${index}`, { shape: variable.shape, data: variable.dataSync() as Float32Array });
      });
      for (const [key, slot] of Object.entries(contents.optimizer.slots)) {
        tensors.set(`adam.${key}.m`, { shape: slot.shape, data: slot.m });
        tensors.set(`adam.${key}.v`, { shape: slot.shape, data: slot.v });
      }
      await writeSafetensors(path.join(temporaryDir, STATE_FILE), tensors, { dtype: 'F32' });
      const meta: CheckpointMeta = { ...contents.meta, step, savedAt: new Date().toISOString() };
      await writeFileAtomic(path.join(temporaryDir, META_FILE), `${JSON.stringify({ ...meta, optimizerStep: contents.optimizer.step }, null, 2)}\n`);
      if (contents.exportModel) await contents.exportModel(temporaryDir);
      await rm(finalDir, { recursive: true, force: true });
      await rename(temporaryDir, finalDir);
    } catch (error) {
      await rm(temporaryDir, { recursive: true, force: true });
      throw error;
    }
    await writeFileAtomic(path.join(this.outDir, LATEST_FILE), `${JSON.stringify({ step, dir: path.relative(this.outDir, finalDir) })}\n`);
    await this.prune(keep, step);
    return finalDir;
  }

  /**
   * The checkpoint `latest.json` points to, or null for a fresh run (no `latest.json`). A
   * damaged pointer (not JSON, no step or dir, or naming a checkpoint that is not complete)
   * falls back to the newest complete `step-N` checkpoint, reported through `onWarning` with
   * the file and what is wrong; with no complete checkpoint to fall back to it is a
   * `CheckpointError` naming `latest.json`.
   */
  async latest(onWarning: (line: string) => void = () => undefined): Promise<{ step: number; dir: string } | null> {
    const file = path.join(this.outDir, LATEST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      text = '';
    }
    const problem = await this.pointerProblem(text);
    if (problem === null) {
      const pointer = JSON.parse(text) as { step: number; dir: string };
      return { step: pointer.step, dir: path.join(this.outDir, pointer.dir) };
    }
    const fallback = await this.newestComplete();
    if (!fallback) throw new CheckpointError(file, `${problem}, and there is no complete checkpoint to resume from instead`);
    onWarning(`${file}: ${problem}; resuming from the newest complete checkpoint, ${fallback.dir}`);
    return fallback;
  }

  /** What is wrong with latest.json's text, or null when it names a complete checkpoint. */
  private async pointerProblem(text: string): Promise<string | null> {
    let pointer: unknown;
    try {
      pointer = JSON.parse(text);
    } catch {
      return 'is damaged (not valid JSON)';
    }
    const { step, dir } = (typeof pointer === 'object' && pointer !== null ? pointer : {}) as { step?: unknown; dir?: unknown };
    if (!Number.isSafeInteger(step) || (step as number) < 0 || typeof dir !== 'string') return 'is damaged (expected {"step": <integer>, "dir": <string>})';
    if (!(await isCompleteCheckpoint(path.join(this.outDir, dir)))) return `names ${JSON.stringify(dir)}, which is not a complete checkpoint`;
    return null;
  }

  /** The highest-step `step-N` directory holding a complete checkpoint, or null. */
  private async newestComplete(): Promise<{ step: number; dir: string } | null> {
    for (const step of await this.checkpointSteps()) {
      const dir = this.stepDir(step);
      if (await isCompleteCheckpoint(dir)) return { step, dir };
    }
    return null;
  }

  /** The steps of the `step-N` directories under checkpoints/, newest first. */
  private async checkpointSteps(): Promise<number[]> {
    const entries = await readdir(this.root).catch(() => [] as string[]);
    return entries
      .map((entry) => /^step-(\d+)$/.exec(entry))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => b - a);
  }

  private stepDir(step: number): string {
    return path.join(this.root, `step-${String(step).padStart(7, '0')}`);
  }

  async load(dir: string, variableCount: number): Promise<LoadedCheckpoint> {
    const metaText = await readFile(path.join(dir, META_FILE), 'utf8').catch(() => {
      throw new CheckpointError(dir, `${META_FILE} is missing; the checkpoint is incomplete`);
    });
    const meta = JSON.parse(metaText) as CheckpointMeta & { optimizerStep: number };
    const tensors = await readSafetensors(path.join(dir, STATE_FILE));
    const values: Float32Array[] = [];
    for (let index = 0; index < variableCount; index++) {
      const tensor = tensors.get(`param.${index}`);
      if (!tensor) throw new CheckpointError(dir, `variable ${index} is missing from ${STATE_FILE}; the model has a different shape than the checkpoint`);
      values.push(tensor.data);
    }
    const slots: Record<string, { m: Float32Array; v: Float32Array; shape: readonly number[] }> = {};
    for (const [name, tensor] of tensors) {
      const match = /^adam\.(.+)\.m$/.exec(name);
      const key = match?.[1];
      if (key === undefined) continue;
      const second = tensors.get(`adam.${key}.v`);
      if (!second) throw new CheckpointError(dir, `optimizer slot ${key} has no second moment`);
      slots[key] = { m: tensor.data, v: second.data, shape: tensor.shape };
    }
    return { meta, values, optimizer: { step: meta.optimizerStep, slots }, dir };
  }

  private async prune(keep: number, newest: number): Promise<void> {
    const entries = await readdir(this.root);
    const steps = (await this.checkpointSteps()).filter((step) => step <= newest);
    for (const step of steps.slice(keep)) await rm(this.stepDir(step), { recursive: true, force: true });
    // Leftovers of checkpoints interrupted mid-write.
    for (const entry of entries.filter((e) => e.endsWith('.tmp'))) await rm(path.join(this.root, entry), { recursive: true, force: true });
  }
}
