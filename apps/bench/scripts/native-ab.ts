// The direct TensorFlow calls (core's NativeOps) against tfjs's kernels, in one process: greedy
// infills of the embedded MARIA alternate between MARIA_NATIVE_OPS unset and MARIA_NATIVE_OPS=0
// (read at every pass), so both halves of each pair run in the same minute of a machine whose
// speed drifts. On `tensorflow` the switch covers the MLM pass and the decode steps' products;
// on `hybrid`, the MLM pass only (the decode steps run on wasm either way).
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/native-ab.ts \
//     [--engine hybrid] [--lengths 64,128,256,512] [--pairs 12] [--out runs/bench/native-ab.json]
// Prints per length the median seconds of each side, the median and range of the per-pair ratios
// (direct ÷ tfjs time: below 1 means the direct calls are faster) and whether the fills agree.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initEngine, NATIVE_OPS_ENV_VAR } from '@maria-ts/core';
import { throughputRequest } from '@maria-ts/benchmarks';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'hybrid' },
    lengths: { type: 'string', default: '64,128,256,512' },
    pairs: { type: 'string', default: '12' },
    out: { type: 'string', default: 'runs/bench/native-ab.json' },
  },
});
const pairs = Number(values.pairs);
if (!Number.isInteger(pairs) || pairs < 2) throw new Error(`--pairs: '${values.pairs}' is not an integer >= 2`);
const engine = await initEngine({ engine: values.engine, threads: 1 });
const model = await loadMariaOrTiny(undefined);
const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] as number;
const round = (value: number) => Number(value.toFixed(4));

const rows = [];
for (const length of values.lengths.split(',').map(Number)) {
  const request = throughputRequest(model, length, 0.5, 1);
  const seconds: Record<'direct' | 'tfjs', number[]> = { direct: [], tfjs: [] };
  const fills: Record<'direct' | 'tfjs', string> = { direct: '', tfjs: '' };
  // One unrecorded pair first (first-use uploads, JIT).
  for (let pair = -1; pair < pairs; pair++) {
    const order: ('direct' | 'tfjs')[] = pair % 2 === 0 ? ['direct', 'tfjs'] : ['tfjs', 'direct'];
    for (const side of order) {
      if (side === 'tfjs') process.env[NATIVE_OPS_ENV_VAR] = '0';
      else delete process.env[NATIVE_OPS_ENV_VAR];
      const start = performance.now();
      const result = await infill(model, request, { method: 'maria', seed: 0, maxLength: length, temperature: 0 });
      if (pair >= 0) seconds[side].push((performance.now() - start) / 1000);
      fills[side] = result.ids.join(',');
    }
  }
  delete process.env[NATIVE_OPS_ENV_VAR];
  const ratios = seconds.direct.map((value, i) => value / (seconds.tfjs[i] as number));
  const row = {
    length,
    direct: round(median(seconds.direct)),
    tfjs: round(median(seconds.tfjs)),
    ratioMedian: round(median(ratios)),
    ratioRange: [round(Math.min(...ratios)), round(Math.max(...ratios))],
    sameFills: fills.direct === fills.tfjs,
  };
  rows.push(row);
  console.log(`N=${length}: direct ${row.direct} s, tfjs ${row.tfjs} s, direct ÷ tfjs ${row.ratioMedian} (${row.ratioRange.join('–')}), same fills: ${row.sameFills}`);
}
fs.mkdirSync(path.dirname(values.out), { recursive: true });
const temporary = `${values.out}.tmp-${process.pid}`;
fs.writeFileSync(temporary, `${JSON.stringify({ engine, pairs, date: new Date().toISOString(), rows }, null, 2)}\n`);
fs.renameSync(temporary, values.out);
console.log(`(${values.out})`);
