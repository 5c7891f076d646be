import { initEngine } from '@maria-ts/core';
import { runThroughputBench, throughputRatios } from '@maria-ts/benchmarks';
import { loadTinyMaria } from '@maria-ts/model-tiny';

await initEngine();
const model = await loadTinyMaria({ skipDiffusion: true });
const rows = await runThroughputBench(model, { lengths: [32], maskRate: 0.5, methods: ['maria', 'mlm'], runs: 1, warmup: 1, diffusionSteps: 8 });
for (const row of rows) console.log(`${row.method}: ${row.maskedTokens} masked of ${row.length} tokens, ${row.tokensPerSecond} filled tokens/s`);
for (const ratio of throughputRatios(rows)) console.log(`maria / ${ratio.baseline}: ${ratio.mariaOverBaseline}x`);
model.dispose();
