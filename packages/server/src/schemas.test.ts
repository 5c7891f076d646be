import { describe, expect, it } from 'vitest';
import { generateRequestSchema, infillRequestSchema, scoreRequestSchema, validateRequest } from './schemas.js';

describe('request schemas', () => {
  it('accepts text with [MASK] and fills defaults', () => {
    const result = validateRequest(infillRequestSchema, { text: 'The [MASK] sat.' });
    expect(result).toEqual({ ok: true, value: { text: 'The [MASK] sat.', tokensPerMask: 1, temperature: 1, stream: false } });
  });

  it('accepts ids with masked positions', () => {
    const result = validateRequest(infillRequestSchema, { ids: [5, 6, 7], masked: [1], temperature: 0 });
    expect(result.ok).toBe(true);
  });

  it.each([
    [{}, 'text: give exactly one of "text" or "ids"'],
    [{ text: 'no marker here' }, 'text: text has no [MASK] marker'],
    [{ ids: [1, 2] }, 'masked: "masked" is required with "ids"'],
    [{ ids: [1, 2], masked: [2] }, 'masked: masked position 2 is outside ids (length 2)'],
    [{ ids: [1, 2], masked: [1, 1] }, 'masked: masked positions must be distinct'],
    [{ text: 'a [MASK]', temperature: -1 }, 'temperature'],
    [{ text: 'a [MASK]', topP: 0 }, 'topP'],
    [{ text: 'a [MASK]', extra: 1 }, '(body)'],
    [{ text: 'x'.repeat(20_001) + '[MASK]' }, 'text'],
  ])('rejects %j with a JSON body naming the field', (body, expected) => {
    const result = validateRequest(infillRequestSchema, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.error).toBe('InvalidRequest');
      expect(result.error.message.startsWith(expected)).toBe(true);
    }
  });

  it('validates generate and score bodies', () => {
    expect(validateRequest(generateRequestSchema, {})).toEqual({ ok: true, value: { length: 64, iterations: 8, remask: 0.3, schedule: 'linear', stream: false } });
    expect(validateRequest(generateRequestSchema, { length: 1 }).ok).toBe(false);
    expect(validateRequest(scoreRequestSchema, { text: 'hello', rate: 1 }).ok).toBe(false);
    expect(validateRequest(scoreRequestSchema, 'not an object').ok).toBe(false);
  });
});
