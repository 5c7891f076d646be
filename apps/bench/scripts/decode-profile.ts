// Where one MARIA decode step of the embedded tiny model goes: for the tensor KV cache
// (`layout: 'chunked'`, every op through tfjs) and the host cache (`layout: 'host'`, the host
// decode step), the engine kernels of one step (count and profiled milliseconds per kernel
// kind, from tf.profile), then the CPU and wall milliseconds per step over 40 unprofiled steps.
// A step feeds 2 tokens at cache length ~254–334 and projects the last state onto the head's
// AR half (8,192 logits read back), as Algorithm 1 does at 50% masking.
// Then, for whole infills (`--infill 64,512`: N random ids, round(N/2) masked, greedy, the
// request `maria-bench throughput` makes), where one infill's wall time goes: real `infill`
// calls with timers around the calls it makes (the MLM pass over x̃, the MLM half of the head,
// the AR steps split into short chunks (≤ 2 tokens: a filled token and at most one known token
// after it) and longer runs (the prefill and the unmasked runs), the head's AR half), V8's
// garbage collections (inside those phases and out), and the rest: the choice (bans, greedy,
// log-probability), the MLM half's add and the loop itself. Median over 15 infills (N ≤ 128)
// or 5, after 2 warm-ups.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/decode-profile.ts [--engine wasm|tensorflow|hybrid] [--threads N] [--infill 64,512]
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initEngine, RowProduct, type KVCache } from '@maria-ts/core';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';
import { throughputRequest } from '@maria-ts/benchmarks';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: '1' }, infill: { type: 'string', default: '64,512' } } });
const engine = await initEngine({ engine: values.engine, threads: Number(values.threads) });
const model = await loadMariaOrTiny(undefined);
const ar = model.ar as unknown as { createCache(batch: number, capacity: number, options: { layout: 'chunked' | 'host' }): KVCache };
const width = model.ar.info.hiddenSize;
const report: Record<string, unknown> = { engine };
for (const layout of ['chunked', 'host'] as const) {
  const cache = ar.createCache(1, 1024, { layout });
  const step = () => {
    const ids = tf.tensor2d([[5, 6]], [1, 2], 'int32');
    const output = model.ar.step(ids, cache);
    const last = tf.tidy(() => output.hidden.slice([0, 1, 0], [1, 1, width]).reshape([1, width]) as tf.Tensor2D);
    const logits = model.head.arLogits(last);
    logits.dataSync();
    tf.dispose([ids, output.hidden, last, logits]);
  };
  for (let k = 0; k < 127; k++) step();
  const profile = await tf.profile(() => step());
  const kernels: Record<string, { count: number; ms: number }> = {};
  for (const kernel of profile.kernels) {
    const entry = (kernels[kernel.name] ??= { count: 0, ms: 0 });
    entry.count++;
    entry.ms = Number((entry.ms + Number(kernel.kernelTimeMs)).toFixed(3));
  }
  const repeats = 40;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let k = 0; k < repeats; k++) step();
  const used = process.cpuUsage(cpu);
  report[layout] = {
    kernelsPerStep: profile.kernels.length,
    kernels,
    cpuMsPerStep: Number(((used.user + used.system) / 1000 / repeats).toFixed(2)),
    wallMsPerStep: Number(((performance.now() - start) / repeats).toFixed(2)),
    cacheLengthAfter: cache.length,
  };
  cache.dispose();
}
/**
 * Where the wall time of real greedy infills of `length` tokens (half masked, the request
 * `maria-bench throughput` makes) goes: `infill` itself runs, with timers wrapped around the
 * calls it makes (the MLM pass, the MLM half of the head, each `stepChunks` call, split into
 * chunks of at most 2 tokens and longer runs, and the head's AR half) and V8's garbage
 * collections counted as they happen; `choiceAndLoop` is the rest (bans, the greedy choice and
 * its log-probability, adding the MLM half, the loop and its paced event-loop turns).
 * Milliseconds per infill, median over `reps` after 2 warm-ups.
 */
async function infillPhases(length: number, reps: number): Promise<Record<string, number>> {
  const request = throughputRequest(model, length, 0.5, length);
  const vocab = model.vocabSize;
  const phases = ['mlmPass', 'mlmHead', 'arShortChunks', 'arLongRuns', 'arHalf', 'gc'] as const;
  let ms: Record<string, number> = {};
  const add = (phase: string, since: number) => (ms[phase] = (ms[phase] ?? 0) + performance.now() - since);
  const ar = model.ar as typeof model.ar & { stepChunks: NonNullable<typeof model.ar.stepChunks> };
  const restore: (() => void)[] = [];
  const wrap = <T extends object, K extends keyof T>(target: T, key: K, phase: (args: unknown[], self: unknown) => string | null) => {
    const original = target[key] as unknown as (...args: unknown[]) => unknown;
    target[key] = function (this: unknown, ...args: unknown[]) {
      const name = phase(args, this);
      const since = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        if (name !== null) add(name, since);
      }
    } as T[K];
    restore.push(() => (target[key] = original as unknown as T[K]));
  };
  wrap(model, 'mlmStates', () => 'mlmPass');
  wrap(model.head, 'mlmLogits', () => 'mlmHead');
  wrap(ar, 'stepChunks', (args) => ((args[0] as { ids: ArrayLike<number> }[])[0]?.ids.length ?? 0) > 2 ? 'arLongRuns' : 'arShortChunks');
  // The head's AR half: the only RowProduct of the loop whose outputs are the vocabulary.
  wrap(RowProduct.prototype, 'runShared', (_args, self) => ((self as RowProduct).outputs === vocab ? 'arHalf' : null));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) ms.gc = (ms.gc ?? 0) + entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const runs: Record<string, number>[] = [];
  try {
    for (let k = 0; k < reps + 2; k++) {
      ms = {};
      const since = performance.now();
      await infill(model, request, { method: 'maria', seed: 0, maxLength: length, temperature: 0 });
      const total = performance.now() - since;
      await new Promise((resolve) => setImmediate(resolve)); // the collections of this infill reach the observer
      const timed = phases.filter((phase) => phase !== 'gc').reduce((sum, phase) => sum + (ms[phase] ?? 0), 0);
      if (k >= 2) runs.push({ ...Object.fromEntries(phases.map((phase) => [phase, ms[phase] ?? 0])), choiceAndLoop: total - timed, infillTotal: total });
    }
  } finally {
    observer.disconnect();
    for (const undo of restore.reverse()) undo();
  }
  const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] as number;
  return Object.fromEntries(Object.keys(runs[0] as object).map((key) => [key, Number(median(runs.map((run) => run[key] as number)).toFixed(2))]));
}
const infillReport: Record<string, unknown> = {};
for (const length of values.infill.split(',').filter(Boolean).map(Number)) infillReport[length] = await infillPhases(length, length <= 128 ? 15 : 5);
report.infillMs = infillReport;
report.loadAverage = (await import('node:os')).loadavg().map((value) => Number(value.toFixed(2)));
process.stdout.write(`${JSON.stringify(report)}\n`);
model.dispose();
