import { defineError } from '@maria-ts/core';

/**
 * A config.json value that this implementation cannot honour (an activation, a rope
 * scaling type, a position embedding type...). Raised at load time rather than silently
 * computing something different from the checkpoint's reference implementation.
 */
export const UnsupportedConfigError = defineError('UnsupportedConfig', (source: string, key: string, value: unknown, supported: string) => ({
  message: `${source}: ${key} = ${JSON.stringify(value) ?? String(value)} is not supported (supported: ${supported})`,
  details: { source, key, value, supported },
}));

/** A KV cache was asked to hold more positions than it (or the model's position scheme) allows. */
export const CacheCapacityError = defineError('CacheCapacity', (length: number, adding: number, capacity: number) => ({
  message: `KV cache holds ${length} positions and cannot take ${adding} more (capacity ${capacity})`,
  details: { length, adding, capacity },
}));
