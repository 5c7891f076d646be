import { loadMaria } from '@maria-ts/maria';

// Two pretrained checkpoints that share a tokenizer (Hub ids or local folders), joined by a
// product-of-experts head: MARIA before any head training. Downloads go to $MARIA_CACHE_DIR.
const [ar = 'maria-ts/tiny-ar', mlm = 'maria-ts/tiny-mlm'] = (process.env.MARIA_EXAMPLE_PAIR ?? '').split(',').filter(Boolean);
const maria = await loadMaria({ ar, mlm });
const result = await maria.fill('The [MASK] sat on the mat.', { temperature: 0 });
console.log(result.text, result.fills[0]?.logProb.toFixed(2));
maria.dispose();
