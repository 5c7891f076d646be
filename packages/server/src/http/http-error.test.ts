import { InputTooLongError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { errorAnswer } from './http-error.js';

describe('errorAnswer', () => {
  it("a model's own length refusal (a backbone past max_position_embeddings) is the client's 400, not a 500", () => {
    const answer = errorAnswer(new InputTooLongError('AR input', 3000, 2048));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'InputTooLong', message: 'AR input has 3000 tokens, more than the maximum of 2048' });
  });

  it('anything unexpected stays a 500 that says nothing more', () => {
    expect(errorAnswer(new Error('secret detail'))).toEqual({ status: 500, headers: {}, body: { error: 'Internal', message: 'internal server error' } });
  });
});
