// Keeps the embedded MARIA loaded on one engine and thread count and runs one greedy infill per
// request, speaking the same JSON lines as peer-server.py, so peer-interleaved.ts can alternate
// single infills of several configurations (engines, thread counts, the peer) in one run.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/infill-server.ts --engine hybrid --threads 1
// Out: {"ready": true, "engine": {...}} once, then per line in ({"ids", "masked"}) one line
// ({"seconds", "filled": ids at the sorted masked positions}).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { initEngine } from '@maria-ts/core';
import { infill } from '@maria-ts/kv-decoder';
import { loadMariaOrTiny } from '@maria-ts/model-tiny';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'hybrid' }, threads: { type: 'string', default: '1' } } });
const engine = await initEngine({ engine: values.engine, threads: Number(values.threads) });
const model = await loadMariaOrTiny(undefined);
process.stdout.write(`${JSON.stringify({ ready: true, engine })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const request = JSON.parse(line) as { ids: number[]; masked: number[] };
  const start = performance.now();
  const result = await infill(model, request, { method: 'maria', seed: 0, maxLength: request.ids.length, temperature: 0 });
  const seconds = (performance.now() - start) / 1000;
  const byIndex = new Map(result.filled.map((fill) => [fill.index, fill.id]));
  const filled = [...request.masked].sort((a, b) => a - b).map((index) => byIndex.get(index) ?? -1);
  process.stdout.write(`${JSON.stringify({ seconds, filled })}\n`);
}
