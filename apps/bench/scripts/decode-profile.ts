// Where one MARIA decode step of the embedded tiny model goes: for the tensor KV cache
// (`layout: 'chunked'`, every op through tfjs) and the host cache (`layout: 'host'`, the host
// decode step), the engine kernels of one step (count and profiled milliseconds per kernel
// kind, from tf.profile), then the CPU and wall milliseconds per step over 40 unprofiled steps.
// A step feeds 2 tokens at cache length ~254–334 and projects the last state onto the head's
// AR half (8,192 logits read back), as Algorithm 1 does at 50% masking; then the host sampling
// of one row (banned ids copied out, greedy argmax) is timed alone.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/decode-profile.ts [--engine wasm|tensorflow] [--threads N]
import { parseArgs } from 'node:util';
import { initEngine, tf, type KVCache } from '@maria-ts/core';
import { createTokenSampler, specialTokenIds, withBannedTokens } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';
import { Rng } from '@maria-ts/core';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'wasm' }, threads: { type: 'string', default: '1' } } });
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
const sampler = withBannedTokens(createTokenSampler({ temperature: 0 }), specialTokenIds(model));
const rng = new Rng(0);
const row = Float32Array.from({ length: model.vocabSize }, () => rng.normal());
for (let k = 0; k < 200; k++) sampler(row, rng);
const start = performance.now();
for (let k = 0; k < 2000; k++) sampler(row, rng);
report.hostGreedySampleMs = Number(((performance.now() - start) / 2000).toFixed(4));
report.loadAverage = (await import('node:os')).loadavg().map((value) => Number(value.toFixed(2)));
process.stdout.write(`${JSON.stringify(report)}\n`);
model.dispose();
