import { initEngine } from '@maria-ts/core';
import { loadTinyMaria } from '@maria-ts/model-tiny';
import { createMariaEngine, createServer } from '@maria-ts/server';

await initEngine();
const server = await createServer({ engine: createMariaEngine(await loadTinyMaria({ skipDiffusion: true })) });
const response = await server.app.inject({ method: 'POST', url: '/v1/infill', payload: { text: 'The [MASK] sat on the mat.', seed: 1 } });
console.log(response.statusCode, (response.json() as { text: string }).text); // or server.app.listen({ port: 8080 })
await server.shutdown({ graceMs: 0 });
