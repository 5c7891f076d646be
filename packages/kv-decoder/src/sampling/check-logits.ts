import { InvalidArgumentError } from '@maria-ts/core';

/**
 * Refuses logits no distribution can come from: an empty row, NaN or +Infinity anywhere,
 * or every entry -Infinity. -Infinity alone is allowed: it is how callers ban a token.
 * A NaN usually means an upstream numerical bug, so it is reported with its index.
 */
export function checkLogits(logits: ArrayLike<number>): void {
  if (logits.length === 0) throw new InvalidArgumentError('logits', [], 'a non-empty row');
  let finite = 0;
  for (let id = 0; id < logits.length; id++) {
    const value = logits[id] as number;
    if (Number.isFinite(value)) finite++;
    else if (value !== -Infinity) throw new InvalidArgumentError('logits', `${value} at id ${id}`, 'finite numbers or -Infinity');
  }
  if (finite === 0) throw new InvalidArgumentError('logits', `all ${logits.length} entries are -Infinity`, 'at least one finite logit');
}
