import { loadMaria } from '@maria-ts/maria';

const maria = await loadMaria(); // the embedded tiny model; or a MARIA directory, or { ar, mlm } checkpoints / Hub ids
const result = await maria.fill('The [MASK] sat on the [MASK].', { seed: 1 });
console.log(result.text, result.fills.map((fill) => [fill.text, fill.logProb.toFixed(2)]));
const { nBest = [] } = await maria.fill('The [MASK] sat on the [MASK].', { nBest: 3 });
for (const fill of nBest) console.log(fill.logProb.toFixed(2), fill.text);
maria.dispose();
