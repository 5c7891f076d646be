import { InvalidArgumentError } from '@maria-ts/core';
import { describe, expect, it } from 'vitest';
import { serveCommand } from './serve-command.js';

describe('maria-serve flags', () => {
  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '-1'], '--port'],
    [['--queue-depth', '0'], '--queue-depth'],
    [['--timeout-ms', '1.5'], '--timeout-ms'],
  ])('%j is refused with a typed error naming the flag, before anything loads', async (flags, name) => {
    const command = serveCommand({ out: () => undefined }).exitOverride();
    const error = await command.parseAsync(['node', 'maria-serve', ...flags]).catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(name);
  });

  it('binds 127.0.0.1 unless told otherwise', () => {
    const host = serveCommand().options.find((option) => option.long === '--host');
    expect(host?.defaultValue).toBe('127.0.0.1');
  });
});
