import type { GenerateIteration } from '@maria-ts/annealer';
import { describe, expect, it } from 'vitest';
import { generateText, iterationLine } from './generate/format-generate.js';
import { infillText } from './infill/format-infill.js';
import type { GenerateCommandResult } from './generate/run-generate.js';
import type { InfillCommandResult } from './infill/run-infill.js';

/** What a crafted vocabulary or path can put in the human output: a retitle, a screen clear, a C1 CSI, a bidi override. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eexe';
const SHOWN = '\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202eexe';

describe('human output escapes terminal controls from the model and its files', () => {
  it('maria infill: the filled text, the fills and the model path (colour codes of its own stay)', () => {
    const result = {
      segments: [{ kind: 'text', text: 'The\nfirst' }, { kind: 'fill', text: ` ${HOSTILE}` }, { kind: 'text', text: ' sat.' }],
      filled: [{ index: 1, id: 7, piece: HOSTILE }],
      method: 'maria',
      modelName: `/models/${HOSTILE}`,
      engine: { name: 'wasm' },
    } as unknown as InfillCommandResult;
    const [first, second, about] = infillText(result, true).split('\n');
    expect([first, second]).toEqual(['The', `first \u001b[1;32m${SHOWN}\u001b[0m sat.`]);
    expect(about).toBe(`filled 1 token with maria · model /models/${SHOWN} · engine wasm`);
    expect(infillText(result, false)).not.toContain('\u001b');
  });

  it('maria generate: the text and each progress line', () => {
    const result = { text: `a\tb\n${HOSTILE}`, tokens: [1, 2], iterations: 1, remask: 0.3, schedule: 'linear', seed: 0, elapsedMs: 5 } as unknown as GenerateCommandResult;
    expect(generateText(result).split('\n').slice(0, 2)).toEqual(['a\tb', SHOWN]);
    const line = iterationLine({ iteration: 1, temperature: 0.5, elapsedMs: 10, text: `x ${HOSTILE}`, tokens: [] } as unknown as GenerateIteration, 2);
    expect(line).toMatch(/^iteration 1\/2 T=0\.50 +0\.01s {2}x \\x1b\]0;owned/u);
    expect(line.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/u);
  });
});
