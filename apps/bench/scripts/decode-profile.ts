// Where one MARIA decode step of the embedded tiny model goes: for the tensor KV cache
// (`layout: 'chunked'`, every op through tfjs) and the host cache (`layout: 'host'`, the host
// decode step), the engine kernels of one step (count and profiled milliseconds per kernel
// kind, from tf.profile), then the CPU and wall milliseconds per step over 40 unprofiled steps.
// A step feeds 2 tokens at cache length ~254–334 and projects the last state onto the head's
// AR half (8,192 logits read back), as Algorithm 1 does at 50% masking; then the host choice of
// one row (banned ids set to -Infinity in place, greedy argmax, the choice's log-probability) is timed alone.
// Then, for whole infills (`--infill 64,512`: N random ids, round(N/2) masked, greedy, the
// request `maria-bench throughput` makes), where one infill's wall time goes: the MLM pass
// over x̃ (states at the masked positions read back), the MLM half of the head for all masked
// positions, the AR chunks split into short ones (≤ 2 tokens: a filled token and at most one
// known token after it) and longer runs (the prefill and the unmasked runs), the AR half of
// the head, the host choice (bans, greedy, log-probability), and the rest of `infill` (its own
// time minus those), each phase timed alone (CPU ms of the process) in the order Algorithm 1
// runs it, through the calls `infill` makes (`stepChunks` for a single sequence where the
// backbone has a host step); median of 3 after 1 warm-up.
// On the hybrid engine the MLM pass and the MLM half of the head run on TensorFlow, as in `infill`.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/decode-profile.ts [--engine wasm|tensorflow|hybrid] [--threads N] [--infill 64,512]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initEngine, onSequencePassEngine, POOL_MIN_ROWS, RowProduct, type KVCache } from '@maria-ts/core';
import { banInPlace, createTokenSampler, infill, logProbabilityOf, specialTokenIds } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';
import { Rng } from '@maria-ts/core';
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
const greedy = createTokenSampler({ temperature: 0 });
const banned = new Uint8Array(model.vocabSize);
for (const id of specialTokenIds(model)) banned[id] = 1;
/** What `infill` does with a row of logits it owns: bans in place, the choice, its log-probability. */
const choose = (logits: Float32Array, rng: Rng) => {
  banInPlace(logits, banned);
  const id = greedy(logits, rng);
  return { id, logProb: logProbabilityOf(logits, id) };
};
const rng = new Rng(0);
const row = Float32Array.from({ length: model.vocabSize }, () => rng.normal());
for (let k = 0; k < 200; k++) choose(row, rng);
const start = performance.now();
for (let k = 0; k < 2000; k++) choose(row, rng);
report.hostChooseMs = Number(((performance.now() - start) / 2000).toFixed(4));

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
/** CPU milliseconds of each phase of one MARIA infill of `length` tokens, half masked, greedy. */
async function infillPhases(length: number): Promise<Record<string, number>> {
  const request = throughputRequest(model, length, 0.5, length);
  const masked = [...request.masked].sort((a, b) => a - b);
  const tokens = Int32Array.from(request.ids);
  for (const position of masked) tokens[position] = model.maskTokenId;
  const ms: Record<string, number> = { mlmPass: 0, mlmHead: 0, arShortChunks: 0, arLongRuns: 0, arHalf: 0, choose: 0 };
  const counts = { shortChunks: 0, longRuns: 0, longRunTokens: 0 };
  const timed = <T>(phase: string, run: () => T): T => {
    const begin = process.cpuUsage();
    const result = run();
    ms[phase] = (ms[phase] as number) + cpuMs(begin);
    return result;
  };
  const states = timed('mlmPass', () => {
    const kept = onSequencePassEngine(() => tf.tidy(() => {
      const hidden = model.mlmStates(tf.tensor2d(tokens, [1, length], 'int32'));
      return tf.gather(hidden.reshape([length, hidden.shape[2]]), Int32Array.from(masked)) as tf.Tensor2D;
    }));
    kept.dataSync();
    return kept;
  });
  const mlmHalf = timed('mlmHead', () => {
    const logits = onSequencePassEngine(() => model.head.mlmLogits(states));
    const host = logits.dataSync() as Float32Array;
    tf.dispose([logits, states]);
    return host;
  });
  const cache = model.ar.createCache(1, (masked[masked.length - 1] as number) + 1);
  const arHalfProduct = new RowProduct(model.head.variables().arWeight, null, POOL_MIN_ROWS - 1);
  const vocab = model.vocabSize;
  let fed = 0;
  for (const [k, position] of masked.entries()) {
    const chunk = Int32Array.from({ length: position + 1 - fed }, (_, j) => (fed + j === 0 ? model.ar.bosTokenId : (tokens[fed + j - 1] as number)));
    const long = chunk.length > 2;
    counts[long ? 'longRuns' : 'shortChunks']++;
    if (long) counts.longRunTokens += chunk.length;
    const state = timed(long ? 'arLongRuns' : 'arShortChunks', () => {
      if (model.ar.canStepChunks && model.ar.stepChunks) return (model.ar.stepChunks([{ ids: chunk, cache }])[0] as Float32Array).subarray((chunk.length - 1) * width);
      return tf.tidy(() => {
        const { hidden } = model.ar.step(tf.tensor2d(chunk, [1, chunk.length], 'int32'), cache);
        return Float32Array.from(hidden.slice([0, chunk.length - 1, 0], [1, 1, width]).dataSync() as Float32Array);
      });
    });
    const logits = timed('arHalf', () => {
      const row = arHalfProduct.run(state, 1);
      for (let j = 0; j < vocab; j++) row[j] = (row[j] as number) + (mlmHalf[k * vocab + j] as number);
      return row;
    });
    tokens[position] = timed('choose', () => choose(logits, rng).id);
    fed = position + 1;
  }
  cache.dispose();
  arHalfProduct.dispose();
  const begin = process.cpuUsage();
  await infill(model, request, { method: 'maria', seed: 0, maxLength: length, temperature: 0 });
  const total = cpuMs(begin);
  const parts = Object.values(ms).reduce((sum, value) => sum + value, 0);
  return { ...Object.fromEntries(Object.entries(ms).map(([phase, value]) => [phase, Number(value.toFixed(2))])), ...counts, phasesTotal: Number(parts.toFixed(2)), infillTotal: Number(total.toFixed(2)), rest: Number((total - parts).toFixed(2)) };
}
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] as number;
const infillReport: Record<string, unknown> = {};
for (const length of values.infill.split(',').filter(Boolean).map(Number)) {
  await infillPhases(length);
  const runs = [await infillPhases(length), await infillPhases(length), await infillPhases(length)];
  infillReport[length] = Object.fromEntries(Object.keys(runs[0] as object).map((key) => [key, median(runs.map((run) => run[key] as number))]));
}
report.infillMs = infillReport;
report.loadAverage = (await import('node:os')).loadavg().map((value) => Number(value.toFixed(2)));
process.stdout.write(`${JSON.stringify(report)}\n`);
model.dispose();
