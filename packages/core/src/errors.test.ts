import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, MariaError, ShapeMismatchError, UnknownNameError, defineError } from './errors.js';
import { Registry } from './registry.js';

describe('typed errors', () => {
  it('carry a code, the offending values and a marker that survives realms', () => {
    const error = new ShapeMismatchError('hidden', [2, 3], [2, null]);
    expect(error.message).toBe('hidden: got shape [2, 3], expected [2, -1]');
    expect(error.code).toBe('ShapeMismatch');
    expect(error.name).toBe('ShapeMismatchError');
    expect(error.details).toEqual({ what: 'hidden', actual: [2, 3], expected: [2, null] });
    expect(MariaError.isInstance(error)).toBe(true);
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(false);
    expect(error).toBeInstanceOf(Error);
    // A structurally identical object from "another copy" of the package is recognised by the marker.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('maria.error')]: true, code: 'ShapeMismatch' });
    expect(ShapeMismatchError.isInstance(foreign)).toBe(true);
    expect(MariaError.isInstance(new Error('plain'))).toBe(false);
    expect(MariaError.isInstance(null)).toBe(false);
  });

  it('serialise to JSON without a stack', () => {
    const json = JSON.parse(JSON.stringify(new InvalidArgumentError('temperature', -1, 'a number >= 0')));
    expect(json).toEqual({ error: 'InvalidArgument', message: 'invalid temperature: -1 (expected a number >= 0)', details: { name: 'temperature', value: -1, expected: 'a number >= 0' } });
  });

  it('defineError makes package-local typed errors', () => {
    const QueueFullError = defineError('QueueFull', (depth: number) => ({ message: `queue full at ${depth}`, details: { depth } }));
    const error = new QueueFullError(8);
    expect(QueueFullError.isInstance(error)).toBe(true);
    expect(error.details).toEqual({ depth: 8 });
  });
});

describe('Registry', () => {
  it('orders by priority and lists known names on a miss', () => {
    const registry = new Registry<number>('backbone family');
    registry.register('bert', 1, 1);
    registry.register('gpt2', 2, 5);
    const unregister = registry.register('llama', 3, 3);
    expect(registry.names()).toEqual(['gpt2', 'llama', 'bert']);
    expect(registry.get('llama')).toBe(3);
    unregister();
    expect(() => registry.get('llama')).toThrow("unknown backbone family 'llama'; known: gpt2, bert");
    try {
      registry.get('t5');
    } catch (error) {
      expect(UnknownNameError.isInstance(error)).toBe(true);
    }
  });
});
