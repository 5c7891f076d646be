import { AbortedError, type MariaError, type Tokenizer } from '@maria-ts/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InfillJob } from '../engine/serve-engine.js';
import { createEngineGate as gate, createFakeEngine } from '../testing/fake-engine.js';
import { tinyTokenizer } from '../testing/test-server.js';
import { QueueFullError, ShuttingDownError } from './queue-full-error.js';
import { WorkScheduler, type BatchReport } from './work-scheduler.js';

let tokenizer: Tokenizer;
beforeAll(async () => {
  tokenizer = await tinyTokenizer();
});

const job = (overrides: Partial<InfillJob> = {}): InfillJob => ({ ids: [10, 8190, 11], masked: [1], sampling: { temperature: 1 }, seed: 1, signal: new AbortController().signal, ...overrides });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Submits `first`, lets it start, queues `rest` behind it, then opens the gate batch by batch until all are done. */
async function runGated(scheduler: WorkScheduler, g: ReturnType<typeof gate>, first: InfillJob, rest: InfillJob[], whileQueued: () => void = () => undefined): Promise<void> {
  const running = scheduler.submitInfill(first);
  await tick();
  const queued = rest.map((j) => scheduler.submitInfill(j));
  whileQueued();
  let settled = false;
  const all = Promise.all([running, ...queued]).then(() => (settled = true));
  while (!settled) {
    g.open();
    await tick();
  }
  await all;
}

describe('WorkScheduler', () => {
  it('batches waiting jobs with the same key and keeps the others for later', async () => {
    const g = gate();
    const engine = createFakeEngine({ tokenizer, gate: g.wait });
    const scheduler = new WorkScheduler(engine, { maxQueued: 10, maxBatch: 3 });
    await runGated(scheduler, g, job(), [job(), job({ sampling: { temperature: 0 } }), job(), job(), job()], () => {
      expect(scheduler.active).toBe(1);
      expect(scheduler.depth).toBe(5);
    });
    // The first job alone; then the oldest waiting T=1 job takes two more T=1 jobs (maxBatch 3)
    // past the T=0 job; then the T=0 job; then the last T=1 job.
    expect(engine.batchSizes).toEqual([1, 3, 1, 1]);
    expect(scheduler.depth).toBe(0);
    await scheduler.whenIdle();
  });

  it('stops growing an infill batch at maxBatchWork: a batch runs as long as all its jobs together', async () => {
    const g = gate();
    const engine = createFakeEngine({ tokenizer, gate: g.wait });
    const scheduler = new WorkScheduler(engine, { maxQueued: 10, maxBatch: 8, maxBatchWork: 10, workOf: (j) => 4 * j.masked.length });
    await runGated(scheduler, g, job(), [job(), job(), job(), job({ ids: [10, 8190, 8190], masked: [1, 2] }), job()]);
    // Work 4 each (8 for the two-mask job): two fit in 10; the next head takes the last job
    // past the 8, which would not fit beside it; then the 8 runs alone at the head.
    expect(engine.batchSizes).toEqual([1, 2, 2, 1]);
  });

  it('with a continuous engine, starts each infill job on its own as soon as fewer than maxBatch run and the work fits; other work waits for all to finish', async () => {
    const g = gate();
    const engine = { ...createFakeEngine({ tokenizer, gate: g.wait }), continuousBatching: true };
    const reports: BatchReport[] = [];
    const scheduler = new WorkScheduler(engine, { maxQueued: 10, maxBatch: 3, maxBatchWork: 12, workOf: (j) => 4 * j.masked.length, onBatch: (report) => reports.push(report) });
    const first = scheduler.submitInfill(job());
    const second = scheduler.submitInfill(job({ sampling: { temperature: 0 } })); // other options join too
    const generated = scheduler.submitGenerate({ length: 2, iterations: 0, remask: 0.3, schedule: 'linear', seed: 1, signal: new AbortController().signal });
    const third = scheduler.submitInfill(job());
    await tick();
    expect([scheduler.active, scheduler.depth]).toEqual([2, 2]); // the generate at the head waits for the infill jobs
    g.open();
    g.open();
    await Promise.all([first, second]);
    await tick();
    expect([scheduler.active, scheduler.depth]).toEqual([1, 1]); // the generate runs alone
    g.open();
    await generated;
    await tick();
    g.open();
    await third;
    const heavy = scheduler.submitInfill(job({ ids: [10, 8190, 8190], masked: [1, 2] }));
    const light = [scheduler.submitInfill(job()), scheduler.submitInfill(job())];
    await tick();
    expect([scheduler.active, scheduler.depth]).toEqual([2, 1]); // work 8 + 4 fits 12; another 4 does not
    while (scheduler.active > 0 || scheduler.depth > 0) {
      g.openAll();
      await tick();
    }
    await Promise.all([heavy, ...light]);
    expect(engine.batchSizes).toEqual([1, 1, 1, 1, 1, 1]); // one job per call
    const sizes = reports.filter((report) => report.kind === 'infill').map((report) => report.size);
    expect(sizes.slice(0, 3)).toEqual([1, 2, 1]); // a report's size: the infill jobs running when it started
    expect(sizes).toHaveLength(6);
    expect(Math.max(...sizes)).toBe(2);
  });

  it('refuses work past maxQueued with a QueueFullError carrying Retry-After, synchronously', async () => {
    const g = gate();
    const scheduler = new WorkScheduler(createFakeEngine({ tokenizer, gate: g.wait }), { maxQueued: 2, maxBatch: 1 });
    const running = scheduler.submitInfill(job());
    await tick();
    const queued = [scheduler.submitInfill(job()), scheduler.submitInfill(job())];
    let refused: unknown;
    try {
      void scheduler.submitInfill(job());
    } catch (error) {
      refused = error;
    }
    expect(QueueFullError.isInstance(refused)).toBe(true);
    expect((refused as MariaError).details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) {
      g.open();
      await tick();
      await tick();
    }
    await Promise.all([running, ...queued]);
  });

  it('drops a waiting job as soon as its signal fires', async () => {
    const g = gate();
    const engine = createFakeEngine({ tokenizer, gate: g.wait });
    const scheduler = new WorkScheduler(engine, { maxQueued: 4, maxBatch: 1 });
    const running = scheduler.submitInfill(job());
    await tick();
    const controller = new AbortController();
    const waiting = scheduler.submitInfill(job({ signal: controller.signal }));
    expect(scheduler.depth).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toSatisfy(AbortedError.isInstance);
    expect(scheduler.depth).toBe(0);
    g.open();
    await running;
    expect(engine.batchSizes).toEqual([1]);
  });

  it('reports each engine call and passes per-job errors through', async () => {
    const reports: unknown[] = [];
    const engine = createFakeEngine({ tokenizer });
    const scheduler = new WorkScheduler(engine, { maxQueued: 4, maxBatch: 4, onBatch: (report) => reports.push(report) });
    const outcome = await scheduler.submitInfill(job({ masked: [0, 1], ids: [1, 2, 3] }));
    expect(outcome.filled.map((token) => token.index)).toEqual([0, 1]);
    expect(reports).toEqual([expect.objectContaining({ kind: 'infill', size: 1, tokens: 2 })]);
    const score = await scheduler.submitScore({ ids: [1, 2, 3], masked: [1], signal: new AbortController().signal });
    expect(score.negativeLogLikelihood).toBeCloseTo(Math.log(6));
  });

  it('after close refuses new work, and can cancel what waits', async () => {
    const g = gate();
    const scheduler = new WorkScheduler(createFakeEngine({ tokenizer, gate: g.wait }), { maxQueued: 4, maxBatch: 1 });
    const running = scheduler.submitInfill(job());
    await tick();
    const waiting = scheduler.submitInfill(job());
    scheduler.close({ cancelWaiting: true });
    expect(() => scheduler.submitInfill(job())).toThrow(ShuttingDownError);
    await expect(waiting).rejects.toSatisfy(AbortedError.isInstance);
    g.open();
    await running;
    await scheduler.whenIdle();
  });
});
