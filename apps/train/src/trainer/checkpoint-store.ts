import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type AdamWState, CheckpointError, type tf, writeFileAtomic } from '@maria-ts/core';
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

  /** The newest complete checkpoint, or null for a fresh run. */
  async latest(): Promise<{ step: number; dir: string } | null> {
    let text: string;
    try {
      text = await readFile(path.join(this.outDir, LATEST_FILE), 'utf8');
    } catch {
      return null;
    }
    const pointer = JSON.parse(text) as { step: number; dir: string };
    return { step: pointer.step, dir: path.join(this.outDir, pointer.dir) };
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
    const steps = entries
      .map((entry) => /^step-(\d+)$/.exec(entry))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .filter((step) => step <= newest)
      .sort((a, b) => b - a);
    for (const step of steps.slice(keep)) {
      await rm(path.join(this.root, `step-${String(step).padStart(7, '0')}`), { recursive: true, force: true });
    }
    // Leftovers of checkpoints interrupted mid-write.
    for (const entry of entries.filter((e) => e.endsWith('.tmp'))) await rm(path.join(this.root, entry), { recursive: true, force: true });
  }
}
