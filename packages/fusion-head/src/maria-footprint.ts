import path from 'node:path';
import { assertEngineCanHold, type EngineInfo, type EngineMemoryCheckOptions } from '@maria-ts/core';
import { checkpointFloat32Bytes } from '@maria-ts/backbones';
import { readMariaManifest } from './maria-directory.js';

/** What a MARIA directory's weights take as float32 tensors, per part and in all. */
export interface MariaFootprint {
  readonly totalBytes: number;
  readonly parts: { readonly ar: number; readonly mlm: number; readonly head: number; readonly diffusion?: number };
}

/**
 * The float32 bytes of a MARIA directory's weights (AR, MLM, head and, unless skipped, the
 * diffusion encoder), from its manifest and safetensors headers only: fast, and before any
 * weight is read.
 */
export async function mariaDirectoryFootprint(dir: string, options: { readonly skipDiffusion?: boolean } = {}): Promise<MariaFootprint> {
  const manifest = await readMariaManifest(dir);
  const ar = await checkpointFloat32Bytes(path.join(dir, manifest.ar));
  const mlm = await checkpointFloat32Bytes(path.join(dir, manifest.mlm));
  const head = await checkpointFloat32Bytes(path.join(dir, manifest.head));
  const diffusion = manifest.diffusion && !options.skipDiffusion ? await checkpointFloat32Bytes(path.join(dir, manifest.diffusion)) : undefined;
  return { totalBytes: ar + mlm + head + (diffusion ?? 0), parts: { ar, mlm, head, ...(diffusion !== undefined ? { diffusion } : {}) } };
}

/**
 * Refuses a MARIA directory that the started engine cannot hold (wasm: 4 GiB), with one line
 * naming the memory it needs and the engine that can hold it, before its weights are read.
 */
export async function assertMariaDirectoryFits(dir: string, engine: Pick<EngineInfo, 'backend' | 'name'>, options: EngineMemoryCheckOptions & { readonly skipDiffusion?: boolean } = {}): Promise<MariaFootprint> {
  const footprint = await mariaDirectoryFootprint(dir, options);
  assertEngineCanHold(`the MARIA model in ${dir}`, footprint.totalBytes, engine, options);
  return footprint;
}
