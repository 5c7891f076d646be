import { InputTooLongError } from '@maria-ts/core';
import { UnscorableTargetError } from '@maria-ts/eval';
import { describe, expect, it } from 'vitest';
import { errorAnswer } from './http-error.js';

describe('errorAnswer', () => {
  it("a model's own length refusal (a backbone past max_position_embeddings) is the client's 400, not a 500", () => {
    const answer = errorAnswer(new InputTooLongError('AR input', 3000, 2048));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'InputTooLong', message: 'AR input has 3000 tokens, more than the maximum of 2048' });
  });

  it('a masked token the model cannot score (a banned id of a permuted-id pair) is 422 with the reason, not a 500', () => {
    const answer = errorAnswer(new UnscorableTargetError(0, 3, 50279, 'the model bans this id'));
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error: 'UnscorableTarget', message: 'masked token 50279 at position 3 of example 0 cannot be scored: the model bans this id' });
  });

  it('anything unexpected stays a 500 that says nothing more', () => {
    expect(errorAnswer(new Error('secret detail'))).toEqual({ status: 500, headers: {}, body: { error: 'Internal', message: 'internal server error' } });
  });
});
