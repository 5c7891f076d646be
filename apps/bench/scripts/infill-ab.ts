// CPU milliseconds of one greedy MARIA infill of the embedded model, this tree's code against
// another tree's (a commit unpacked by `checkout-for-ab.sh`), both loaded into one process on
// one engine and called alternately (which goes first alternates), so both see the same machine
// load. Per length: `reps` measured runs of each after one warm-up; prints one JSON line with
// each side's median and minimum, their ratios (this ÷ other), whether both filled the same ids
// in every run, and the largest difference between their log-probabilities of a fill.
//   bash apps/bench/scripts/checkout-for-ab.sh COMMIT /tmp/ab-base
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/infill-ab.ts --base /tmp/ab-base [--n 64,512] [--reps 10] [--threads 1]
import { parseArgs } from 'node:util';
import path from 'node:path';
import { throughputRequest } from '@maria-ts/benchmarks';
import { initEngine, type MariaModel } from '@maria-ts/core';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';

const { values } = parseArgs({ options: { base: { type: 'string' }, n: { type: 'string', default: '64,128,256,512' }, reps: { type: 'string', default: '10' }, threads: { type: 'string', default: '1' } } });
if (!values.base) throw new Error('--base DIR is required (a tree made by checkout-for-ab.sh)');
await initEngine({ engine: 'wasm', threads: Number(values.threads) });
const base = path.resolve(values.base);
const other = {
  infill: ((await import(path.join(base, 'packages/kv-decoder/src/index.ts'))) as { infill: typeof infill }).infill,
  model: await ((await import(path.join(base, 'packages/model-tiny/src/index.ts'))) as { loadMariaOrTiny: typeof loadMariaOrTiny }).loadMariaOrTiny(undefined),
};
const own = { infill, model: await loadMariaOrTiny(undefined) };
const sides = { this: own, other } as const;

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] as number;
const report: Record<string, unknown> = { threads: Number(values.threads) };
for (const length of values.n.split(',').map(Number)) {
  const request = throughputRequest(own.model, length, 0.5, length);
  const ms: Record<keyof typeof sides, number[]> = { this: [], other: [] };
  let sameIds = true;
  let logProbDifference = 0;
  for (let run = 0; run <= Number(values.reps); run++) {
    const filled: Record<string, { id: number; logProb: number }[]> = {};
    for (const side of (run % 2 ? ['other', 'this'] : ['this', 'other']) as (keyof typeof sides)[]) {
      const { infill: fill, model } = sides[side];
      const start = process.cpuUsage();
      const result = await fill(model as MariaModel, request, { method: 'maria', seed: 0, maxLength: length, temperature: 0 });
      const used = process.cpuUsage(start);
      if (run > 0) ms[side].push((used.user + used.system) / 1000);
      filled[side] = result.filled;
    }
    const [mine, theirs] = [filled.this ?? [], filled.other ?? []];
    sameIds &&= mine.length === theirs.length && mine.every((fill, k) => fill.id === theirs[k]?.id);
    mine.forEach((fill, k) => (logProbDifference = Math.max(logProbDifference, Math.abs(fill.logProb - (theirs[k]?.logProb ?? Number.NaN)))));
  }
  const [a, b] = [ms.this, ms.other];
  report[length] = {
    thisMedian: Number(median(a).toFixed(1)),
    otherMedian: Number(median(b).toFixed(1)),
    medianRatio: Number((median(a) / median(b)).toFixed(3)),
    thisMin: Number(Math.min(...a).toFixed(1)),
    otherMin: Number(Math.min(...b).toFixed(1)),
    minRatio: Number((Math.min(...a) / Math.min(...b)).toFixed(3)),
    sameIds,
    maxLogProbDifference: Number(logProbDifference.toPrecision(3)),
  };
}
process.stdout.write(`${JSON.stringify(report)}\n`);
own.model.dispose();
(other.model as MariaModel).dispose();
