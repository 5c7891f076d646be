import { initEngine } from '@maria-ts/core';
import { loadTinyMaria } from '@maria-ts/model-tiny';

await initEngine();
const model = await loadTinyMaria({ skipDiffusion: true }); // a MariaModel: tokenizer, AR, MLM, head
console.log(model.vocabSize, model.ar.info.family, model.mlm.info.family);
model.dispose();
