import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tiny tokenizer's folder inside this monorepo (packages/model-tiny/assets), for this
 * package's own tests. It is a path rather than a dependency because model-tiny depends on
 * fusion-head; outside the monorepo pass any tokenizer with a mask token instead.
 */
export const MONOREPO_TINY_TOKENIZER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../model-tiny/assets');
