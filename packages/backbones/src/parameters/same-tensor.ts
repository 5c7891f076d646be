import type { CheckpointTensor } from './host-parameters.js';

/**
 * True when `name` and `original` are both in `tensors` with the same shape and values: a
 * tied parameter saved twice. Only such a copy may be skipped without a warning; a tensor
 * that differs from what it is tied to is information the loader would otherwise drop.
 */
export function isSameTensor(tensors: ReadonlyMap<string, CheckpointTensor>, name: string, original: string): boolean {
  const copy = tensors.get(name);
  const source = tensors.get(original);
  if (!copy || !source || copy.shape.length !== source.shape.length || copy.shape.some((size, axis) => size !== source.shape[axis])) return false;
  if (copy.data === source.data) return true;
  if (copy.data.length !== source.data.length) return false;
  for (let i = 0; i < copy.data.length; i++) if (!Object.is(copy.data[i], source.data[i])) return false;
  return true;
}
