import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { initEngine, InvalidArgumentError } from '@maria-ts/core';
import { ENGINE_OPTION, integerOption, THREADS_OPTION } from '@maria-ts/cli-kit';
import { createServer, loadServeEngine, measureWorkLimit, type ModelSource } from '@maria-ts/server';
import { bearerTokenSetting } from './bearer-token-setting.js';

interface ServeFlags {
  model?: string;
  randomModel?: number;
  port: number;
  host: string;
  token?: string;
  queueDepth: number;
  maxBatch: number;
  timeoutMs: number;
  maxTokens?: number;
  maxWork?: number;
  bodyLimit: number;
  graceMs: number;
  seed?: number;
  engine?: string;
  threads?: string;
  quiet: boolean;
  fractionGate?: boolean;
}

/** What the command writes: the one "listening" line goes to `out`, logs to fastify's logger. */
export interface ServeOutput {
  readonly out: (line: string) => void;
}

/** This app's version, from its package.json (../../package.json from this file in both src/ and dist/). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The `maria-serve` command: load the model once, listen (127.0.0.1 by default), and shut
 * down gracefully on SIGTERM or SIGINT (new requests get 503 while queued and running ones
 * finish for up to `--grace-ms`, then the rest are cancelled).
 */
export function serveCommand(output: ServeOutput = { out: (line) => process.stdout.write(`${line}\n`) }): Command {
  return new Command('maria-serve')
    .description('MARIA over HTTP: POST /v1/infill, /v1/generate, /v1/score; GET /healthz, /metrics, /openapi.json; a playground at /')
    .version(packageVersion())
    .option('--model <dir>', 'a MARIA directory (default: the embedded model-tiny)')
    .option('--fraction-gate', "opt-in, beyond the paper: use the fraction gate in the model's head folder (the head's halves scaled by each request's masked fraction)")
    .option('--random-model <seed>', 'serve a small random MARIA on the tiny tokenizer instead (noise; for demos and load tests)', integerOption('--random-model', 0))
    .option('--port <n>', 'port (0 picks a free one)', integerOption('--port', 0), 8080)
    .option('--host <address>', 'address to bind; anything but loopback exposes the model to the network', '127.0.0.1')
    .option('--token <token>', 'require "Authorization: Bearer <token>" on every route but /healthz (default: env MARIA_SERVE_TOKEN)')
    .option('--queue-depth <n>', 'requests that may wait; more get 503 with Retry-After', integerOption('--queue-depth', 1), 32)
    .option('--max-batch <n>', 'infill requests decoded together', integerOption('--max-batch', 1), 8)
    .option('--timeout-ms <n>', 'per-request limit, queueing included (504 past it)', integerOption('--timeout-ms', 1), 60_000)
    .option('--max-tokens <n>', "most tokens per request (default: the model's limit, at most 1024)", integerOption('--max-tokens', 1))
    .option('--max-work <steps>', 'most model work per request, in decode steps (see README); more gets 422 (default: what half of --timeout-ms allows, measured at start)', integerOption('--max-work', 1))
    .option('--body-limit <bytes>', 'largest request body (413 past it)', integerOption('--body-limit', 1), 256 * 1024)
    .option('--grace-ms <n>', 'on SIGTERM, how long in-flight requests may finish before they are cancelled', integerOption('--grace-ms', 0), 10_000)
    .option('--seed <n>', 'seed of the stream that seeds requests sent without one', integerOption('--seed', 0))
    .option(...ENGINE_OPTION)
    .option(...THREADS_OPTION)
    .option('--quiet', 'no request log', false)
    .action(async (flags: ServeFlags) => {
      const token = bearerTokenSetting(flags.token);
      if (flags.fractionGate && flags.randomModel !== undefined) throw new InvalidArgumentError('--fraction-gate', true, 'a model with a fraction gate (--random-model has none)');

      await initEngine({ engine: flags.engine, threads: flags.threads });
      const gate = flags.fractionGate ? { fractionGate: true } : {};
      const source: ModelSource = flags.randomModel !== undefined ? { kind: 'random', seed: flags.randomModel } : flags.model !== undefined ? { kind: 'directory', dir: flags.model, ...gate } : { kind: 'tiny', ...gate };
      const engine = await loadServeEngine(source);
      let maxWork = flags.maxWork;
      let how = 'from --max-work';
      if (maxWork === undefined) {
        const measured = await measureWorkLimit(engine, { timeoutMs: flags.timeoutMs });
        maxWork = measured.maxWork;
        how = `measured: a step took ${measured.msPerStep.toFixed(1)} ms, half of --timeout-ms allows ${measured.maxWork}`;
      }
      const server = await createServer({
        engine,
        ...(token !== undefined ? { token } : {}),
        maxQueued: flags.queueDepth,
        maxBatch: flags.maxBatch,
        timeoutMs: flags.timeoutMs,
        bodyLimitBytes: flags.bodyLimit,
        ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
        maxWork,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        logger: flags.quiet ? false : { level: 'info' },
      });
      output.out(`maria-serve: requests may ask for up to ${maxWork} decode steps of work (${how})`);
      const address = await server.app.listen({ port: flags.port, host: flags.host });
      output.out(`maria-serve: ${engine.name} listening on ${address}${token !== undefined ? ' (bearer token required)' : ''}`);
      const stop = (signal: string) => {
        output.out(`maria-serve: ${signal}, shutting down`);
        void server.shutdown({ graceMs: flags.graceMs }).then(() => {
          output.out('maria-serve: stopped');
          process.exit(0);
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
