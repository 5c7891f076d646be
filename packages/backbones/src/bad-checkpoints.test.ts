import { cp, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, initEngine, MariaError } from '@maria-ts/core';
import { testEngineOptions } from '@maria-ts/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointFiles, saveCheckpointFiles, SINGLE_WEIGHTS_FILE } from './io/checkpoint-files.js';
import { useTempDir } from './io/io.test-support.js';
import { loadBackbone } from './load-backbone.js';
import { fixtureDir } from './testing/golden-fixtures.js';

beforeAll(async () => {
  await initEngine(testEngineOptions());
});

type HeaderEntries = Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;

/** The parts of a safetensors file, so a case can rewrite the header and keep the data. */
async function splitSafetensors(file: string): Promise<{ header: HeaderEntries; data: Buffer }> {
  const bytes = await readFile(file);
  const length = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as HeaderEntries, data: bytes.subarray(8 + length) };
}

function joinSafetensors(headerText: string, data: Buffer): Buffer {
  const header = Buffer.from(headerText, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([prefix, header, data]);
}

/** The two tensors stored first, by data offset (the "overlap" case moves the second onto the first). */
function firstTwoByOffset(header: HeaderEntries): [string, string] {
  const names = Object.keys(header)
    .filter((name) => name !== '__metadata__')
    .sort((a, b) => header[a]!.data_offsets[0] - header[b]!.data_offsets[0]);
  return [names[0]!, names[1]!];
}

interface BadCase {
  readonly name: string;
  /** Turns a copy of the good checkpoint in `dir` into the bad one. */
  readonly spoil: (dir: string, weights: string) => Promise<void>;
  /** What the one-line message must say (besides the file). */
  readonly message: RegExp;
  /** The file the message must name. */
  readonly names: 'weights' | 'dir';
}

const rewriteHeader = (edit: (header: HeaderEntries) => string) => async (_dir: string, weights: string) => {
  const { header, data } = await splitSafetensors(weights);
  await writeFile(weights, joinSafetensors(edit(header), data));
};

/** Rewrites the checkpoint through our own writer with edited config or tensors. */
const rewriteCheckpoint =
  (edit: (config: Record<string, unknown>, tensors: Map<string, { shape: readonly number[]; data: Float32Array }>) => void) => async (dir: string) => {
    const files = await loadCheckpointFiles(dir);
    const config = { ...files.config };
    const tensors = new Map(files.tensors);
    edit(config, tensors);
    await saveCheckpointFiles(dir, { config, tensors, dtype: 'F32' });
  };

/**
 * A table of bad checkpoints, each made from the real tiny Llama fixture and loaded
 * through the public `loadBackbone`: every one is a `CheckpointError` whose single-line message
 * names the file and the problem, and none is anything else.
 */
const BAD_CHECKPOINTS: readonly BadCase[] = [
  {
    name: 'truncated file',
    spoil: async (_dir, weights) => truncate(weights, Math.floor((await readFile(weights)).length / 2)),
    message: /tensor '.+': data_offsets \[\d+, \d+\] run past the data area of \d+ bytes/,
    names: 'weights',
  },
  {
    name: 'header length past EOF',
    spoil: async (_dir, weights) => {
      const bytes = await readFile(weights);
      bytes.writeBigUInt64LE(BigInt(bytes.length));
      await writeFile(weights, bytes);
    },
    message: /header length \d+ runs past the end of the file \(\d+ bytes\)/,
    names: 'weights',
  },
  {
    name: 'bad JSON',
    spoil: rewriteHeader((header) => JSON.stringify(header).slice(0, -1)),
    message: /header is not valid JSON/,
    names: 'weights',
  },
  {
    name: 'unknown dtype',
    spoil: rewriteHeader((header) => {
      const [first] = firstTwoByOffset(header);
      header[first]!.dtype = 'Q4_K';
      return JSON.stringify(header);
    }),
    message: /tensor '.+': unsupported dtype "Q4_K" \(supported: F32, F16, BF16\)/,
    names: 'weights',
  },
  {
    name: 'overlapping offsets',
    spoil: rewriteHeader((header) => {
      const [first, second] = firstTwoByOffset(header);
      const shift = 4;
      const [begin, end] = header[second]!.data_offsets;
      expect(begin - shift).toBeGreaterThanOrEqual(header[first]!.data_offsets[0]);
      header[second]!.data_offsets = [begin - shift, end - shift];
      return JSON.stringify(header);
    }),
    message: /tensors '.+' \[\d+, \d+\) and '.+' \[\d+, \d+\) overlap/,
    names: 'weights',
  },
  {
    name: 'missing tensor',
    spoil: rewriteCheckpoint((_config, tensors) => tensors.delete('model.layers.1.self_attn.k_proj.weight')),
    message: /missing tensor 'model\.layers\.1\.self_attn\.k_proj\.weight' \(expected shape \[\d+, \d+\]\)/,
    names: 'dir',
  },
  {
    name: 'shape mismatch against config',
    spoil: rewriteCheckpoint((config) => {
      config.hidden_size = (config.hidden_size as number) * 2;
    }),
    message: /tensor '.+' has shape \[\d+(, \d+)*\], but the config implies \[\d+(, \d+)*\]/,
    names: 'dir',
  },
];

describe('bad checkpoints through loadBackbone', () => {
  const temp = useTempDir('maria-bad-checkpoints-');

  it('loads the unspoilt copy these cases start from', async () => {
    const dir = join(temp.path, 'good');
    await cp(fixtureDir('tiny-llama'), dir, { recursive: true });
    (await loadBackbone(dir)).dispose();
  });

  it.each(BAD_CHECKPOINTS)('$name → CheckpointError', async ({ name, spoil, message, names }) => {
    const dir = join(temp.path, name.replaceAll(' ', '-'));
    await cp(fixtureDir('tiny-llama'), dir, { recursive: true });
    const weights = join(dir, SINGLE_WEIGHTS_FILE);
    await spoil(dir, weights);
    const failure = await loadBackbone(dir).then(
      (backbone) => {
        backbone.dispose();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(MariaError.isInstance(failure), `expected a typed error, got ${String(failure)}`).toBe(true);
    expect(CheckpointError.isInstance(failure), `expected a CheckpointError, got ${(failure as Error).name}`).toBe(true);
    const text = (failure as Error).message;
    expect(text).not.toContain('\n');
    expect(text).toContain(names === 'weights' ? weights : dir);
    expect(text).toMatch(message);
  });
});
