// Microseconds (CPU, best of 6 rounds of 200 calls) of `RowProduct.run` for 1–8 rows on the
// embedded model's two product shapes, 256 × 1376 (an AR layer's widest) and 256 × 8192 (the
// head's AR half), one thread; with `--base DIR` (a tree made by `checkout-for-ab.sh`) that
// tree's `RowProduct` is timed alongside on the same weights, and the two results compared.
//   node --conditions=@maria-ts/source --import tsx apps/bench/scripts/row-product-rows.ts [--base /tmp/ab-base]
import { parseArgs } from 'node:util';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initEngine, RowProduct } from '@maria-ts/core';

const { values } = parseArgs({ options: { base: { type: 'string' } } });
await initEngine({ engine: 'wasm', threads: 1 });
const Base = values.base ? ((await import(path.join(path.resolve(values.base), 'packages/core/src/index.ts'))) as { RowProduct: typeof RowProduct }).RowProduct : null;
const report: Record<string, unknown> = {};
for (const outputs of [1376, 8192]) {
  const weight = tf.randomNormal([256, outputs], 0, 1, 'float32', outputs) as tf.Tensor2D;
  const products = { this: new RowProduct(weight, null, 15), ...(Base ? { base: new Base(weight, null, 15) } : {}) };
  for (let rows = 1; rows <= 8; rows++) {
    const x = Float32Array.from({ length: rows * 256 }, (_, i) => Math.sin(i));
    const best: Record<string, number> = {};
    for (let round = 0; round < 6; round++) {
      for (const [name, product] of Object.entries(products)) {
        const start = process.cpuUsage();
        for (let call = 0; call < 200; call++) product.run(x, rows);
        const used = process.cpuUsage(start);
        best[name] = Math.min(best[name] ?? Infinity, (used.user + used.system) / 200);
      }
    }
    const other = products.base?.run(x, rows);
    const same = other ? products.this.run(x, rows).every((value, i) => value === other[i]) : undefined;
    report[`256x${outputs}, ${rows} rows`] = { ...Object.fromEntries(Object.entries(best).map(([name, us]) => [`${name}Us`, Number(us.toFixed(1))])), ...(same === undefined ? {} : { same }) };
  }
  Object.values(products).forEach((product) => product.dispose());
  weight.dispose();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
