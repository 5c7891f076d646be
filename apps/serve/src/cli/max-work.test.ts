import { afterEach, describe, expect, it } from 'vitest';
import { errorResponseSchema, generateResponseSchema, generateWork } from '@maria-ts/server';
import { startServeProcess, type RunningServe } from '../testing/serve-process.js';
import { postJson } from '../../../../packages/server/src/testing/test-server.js';

let running: RunningServe | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

describe('maria-serve bounds the work of a request (--max-work)', () => {
  it('measures a step at start, says the limit, and refuses the largest generate with 422 at once instead of timing out', { timeout: 90_000 }, async () => {
    running = await startServeProcess(['--timeout-ms', '20000']);
    const line = /requests may ask for up to (\d+) decode steps of work \(measured: a step took ([\d.]+) ms, half of --timeout-ms allows \1\)/u.exec(running.output());
    expect(line, running.output()).not.toBeNull();
    const [maxWork, msPerStep] = [Number(line?.[1]), Number(line?.[2])];
    expect(msPerStep).toBeGreaterThan(0);
    // maxWork is half the timeout over the measured cost, floored; the line prints that cost rounded to 0.1 ms.
    expect(maxWork).toBeGreaterThanOrEqual(Math.floor(10_000 / (msPerStep + 0.05)));
    if (msPerStep > 0.05) expect(maxWork).toBeLessThanOrEqual(Math.floor(10_000 / (msPerStep - 0.05)));
    const started = performance.now();
    const refused = await postJson(`${running.url}/v1/generate`, { length: 1024, iterations: 256, remask: 1, stream: true });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(refused.status).toBe(422);
    expect(errorResponseSchema.parse(await refused.json())).toMatchObject({ error: 'TooMuchWork', limit: { work: maxWork, unit: 'decode steps' }, requested: generateWork(1024, 256, 1) });
    const small = await postJson(`${running.url}/v1/generate`, { length: 8, iterations: 1, seed: 1 });
    expect(generateResponseSchema.parse(await small.json()).tokens).toHaveLength(8);
  });

  it('--max-work sets the limit without measuring', { timeout: 90_000 }, async () => {
    running = await startServeProcess(['--max-work', '40']);
    expect(running.output()).toContain('requests may ask for up to 40 decode steps of work (from --max-work)');
    const refused = await postJson(`${running.url}/v1/infill`, { text: 'The [MASK] sat on the [MASK] and looked at the [MASK] of the window for a long time.', tokensPerMask: 8 });
    expect(refused.status).toBe(422);
    expect(errorResponseSchema.parse(await refused.json()).limit).toEqual({ work: 40, unit: 'decode steps' });
  });
});
