import { readFileSync } from 'node:fs';
import { testDataPath } from '@maria-ts/core/testing';
import { parseWikitext } from '@maria-ts/eval';
import { describe, expect, it } from 'vitest';
import { evaluationText } from './eval-lm-command.js';

describe('eval-lm --format', () => {
  const raw = readFileSync(testDataPath('eval', 'wikitext2_raw_test.txt'), 'utf8');

  it('raw scores the file as it is; wikitext scores its articles in written form, as the corpus and maria-bench ppl read them', () => {
    expect(evaluationText(raw, 'raw')).toBe(raw);
    expect(raw).toContain(' @-@ ');
    const written = evaluationText(raw, 'wikitext');
    expect(written).toBe(parseWikitext(raw).join('\n\n'));
    expect(written).not.toContain(' @-@ ');
    expect(written).not.toContain(' , ');
    expect(written.length).toBeLessThan(raw.length);
  });
});
