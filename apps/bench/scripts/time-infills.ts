// Median wall milliseconds of greedy MARIA infills of the embedded model in this process, per
// length (N random ids, round(N/2) masked: `maria-bench throughput`'s request), after 2
// warm-ups; prints one JSON line { "64": ms, ... }. `ab-processes.sh` runs it in two trees.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/time-infills.ts [--engine hybrid] [--threads 1] [--lengths 64,128,256,512]
import { parseArgs } from 'node:util';
import { throughputRequest } from '@maria-ts/benchmarks';
import { initEngine } from '@maria-ts/core';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'hybrid' }, threads: { type: 'string', default: '1' }, lengths: { type: 'string', default: '64,128,256,512' } } });
await initEngine({ engine: values.engine, threads: Number(values.threads) });
const model = await loadMariaOrTiny(undefined);
const medians: Record<number, number> = {};
for (const length of values.lengths.split(',').map(Number)) {
  const request = throughputRequest(model, length, 0.5, length);
  const fill = () => infill(model, request, { method: 'maria', seed: 0, maxLength: length, temperature: 0 });
  for (let k = 0; k < 2; k++) await fill();
  const times: number[] = [];
  for (let k = 0; k < (length <= 128 ? 12 : 4); k++) {
    const start = performance.now();
    await fill();
    times.push(performance.now() - start);
  }
  medians[length] = Number([...times].sort((a, b) => a - b)[times.length >> 1]?.toFixed(2));
}
process.stdout.write(`${JSON.stringify(medians)}\n`);
model.dispose();
