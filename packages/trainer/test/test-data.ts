import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataPath } from '@maria-ts/core/testing';

/** The repository root (this file is apps/train/test/test-data.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The repository's test data (`tooling/test-data`): short licensed excerpts of the training and
 * evaluation text under `train/` and `eval/`, and the tokenizers.
 */
export const TEST_DATA = testDataPath();

/** The committed tiny tokenizer. */
export const TINY_TOKENIZER = join(REPO_ROOT, 'packages', 'model-tiny', 'assets', 'tokenizer.json');

export const temporaryDirectory = (prefix: string) => mkdtemp(join(tmpdir(), `maria-train-${prefix}-`));

/**
 * The first `maxBytes` of a test-data file as a string, cut after the last newline (or, for a file
 * whose first line is longer, after the last space) so no line or UTF-8 character is broken.
 */
export async function headOf(relativePath: string, maxBytes: number): Promise<string> {
  const handle = await open(join(TEST_DATA, relativePath), 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const cut = bytes.lastIndexOf(0x0a) >= 0 ? bytes.lastIndexOf(0x0a) + 1 : bytes.lastIndexOf(0x20);
    return bytes.subarray(0, cut > 0 ? cut : bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Writes `headOf(relativePath, maxBytes)` to `target` (keeping the source's extension matters: `.tokens` selects the WikiText format). */
export async function writeHeadOf(relativePath: string, maxBytes: number, target: string): Promise<string> {
  await writeFile(target, await headOf(relativePath, maxBytes));
  return target;
}
