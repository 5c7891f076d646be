import { defineError } from '@maria-ts/core';

const short = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : 'none');

/**
 * A fusion head was paired with backbones other than the ones it was built (and trained)
 * for. Its weights read the hidden states of specific weights; on any other backbone they
 * produce fluent-looking garbage, so loading refuses instead.
 */
export const BackboneMismatchError = defineError('BackboneMismatch', (role: 'AR' | 'MLM', headDir: string, recorded: string | null, actual: string | null | undefined) => ({
  message: `${headDir}: the fusion head was built for a different ${role} backbone (recorded content hash ${short(recorded)}, this ${role} backbone has ${short(actual)}); retrain or re-initialise the head for these backbones`,
  details: { role, headDir, recorded, actual: actual ?? null },
}));
