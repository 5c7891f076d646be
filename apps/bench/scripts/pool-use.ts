// How often one greedy MARIA infill of the embedded model turns XNNPACK's thread pool on, before
// its first token (the MLM pass, the MLM half of the head, the prefill) and in the decode steps
// after it: a switch that only counts is installed in place of the pool's (one thread, so no
// pool runs), and the infill's `onToken` marks where the steps begin. Prints one JSON line.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/pool-use.ts [--n 64,512]
import { parseArgs } from 'node:util';
import { throughputRequest } from '@maria-ts/benchmarks';
import { initEngine, installThreadPoolSwitch } from '@maria-ts/core';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';

const { values } = parseArgs({ options: { n: { type: 'string', default: '64,512' } } });
await initEngine({ engine: 'wasm', threads: 1 });
const model = await loadMariaOrTiny(undefined);
const report: Record<string, { beforeFirstToken: number; inLaterSteps: number; steps: number }> = {};
for (const length of values.n.split(',').map(Number)) {
  const counts = { beforeFirstToken: 0, inLaterSteps: 0, steps: 0 };
  installThreadPoolSwitch({ enable: () => void (counts.steps > 0 ? counts.inLaterSteps++ : counts.beforeFirstToken++), disable: () => undefined });
  try {
    await infill(model, throughputRequest(model, length, 0.5, length), { method: 'maria', seed: 0, maxLength: length, temperature: 0, onToken: () => void counts.steps++ });
    report[length] = { ...counts }; // before the switch is removed: removing it turns the pool on once
  } finally {
    installThreadPoolSwitch(undefined);
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
model.dispose();
