// CPU milliseconds of one greedy MARIA infill of the embedded model through `@maria-ts/kv-decoder`'s
// `infill` (what `maria-bench throughput` times) and through `Maria.fillIds` (the continuously
// batching path every `Maria.fill` takes), alternating: 5 runs each, the first a warm-up. Prints
// one JSON line per length: each path's upper median over the 4 measured runs, their ratio, and
// whether the two paths filled the same ids in every run.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/fill-path-compare.ts
import { throughputRequest } from '@maria-ts/benchmarks';
import { infill } from '@maria-ts/kv-decoder';
import { loadMaria } from '@maria-ts/maria';

const maria = await loadMaria('tiny', { engine: 'wasm', threads: 1 });

async function cpuMs(run: () => Promise<number[]>): Promise<{ ms: number; ids: number[] }> {
  const start = process.cpuUsage();
  const ids = await run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, ids };
}

const upperMedian = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

for (const length of [64, 128, 256, 512]) {
  const request = throughputRequest(maria.model, length, 0.5, length);
  const viaInfill: number[] = [];
  const viaFillIds: number[] = [];
  let sameIds = true;
  for (let run = 0; run < 5; run++) {
    const a = await cpuMs(async () => (await infill(maria.model, [request], { method: 'maria', temperature: 0 }))[0]?.ids ?? []);
    const b = await cpuMs(async () => (await maria.fillIds(request, { method: 'maria', temperature: 0 })).ids);
    if (run > 0) {
      viaInfill.push(a.ms);
      viaFillIds.push(b.ms);
    }
    sameIds &&= a.ids.join() === b.ids.join();
  }
  const infillCpuMs = upperMedian(viaInfill);
  const fillIdsCpuMs = upperMedian(viaFillIds);
  console.log(JSON.stringify({ length, infillCpuMs, fillIdsCpuMs, ratio: Number((fillIdsCpuMs / infillCpuMs).toFixed(3)), sameIds }));
}
maria.dispose();
