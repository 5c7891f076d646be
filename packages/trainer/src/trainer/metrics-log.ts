import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@maria-ts/core';

/** One JSONL line: a training step, or an evaluation (`validationLoss` set). */
export interface MetricsRecord {
  readonly step: number;
  readonly loss?: number;
  readonly validationLoss?: number;
  readonly learningRate?: number;
  readonly gradientNorm?: number;
  readonly tokens?: number;
  readonly tokensPerSecond?: number;
  readonly elapsedSeconds?: number;
}

/**
 * Metrics as JSON lines, one per step plus one per evaluation. On resume the file is cut
 * back to the checkpoint's step (atomically), so after any crash it reads exactly as an
 * uninterrupted run would; a torn last line from `kill -9` is dropped the same way.
 */
export class MetricsLog {
  constructor(readonly file: string) {}

  async append(record: MetricsRecord): Promise<void> {
    await appendFile(this.file, `${JSON.stringify(record)}\n`);
  }

  async read(): Promise<MetricsRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const records: MetricsRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        records.push(JSON.parse(line) as MetricsRecord);
      } catch {
        // A line torn by a crash mid-append: it is past the last checkpoint and is dropped.
      }
    }
    return records;
  }

  /** Keeps records of steps ≤ `step` (training steps are recorded as the step they completed). */
  async truncateAfter(step: number): Promise<void> {
    const kept = (await this.read()).filter((record) => record.step <= step);
    await writeFileAtomic(this.file, kept.map((record) => `${JSON.stringify(record)}\n`).join(''));
  }
}
