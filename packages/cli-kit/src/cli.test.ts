import { describe, expect, it, vi } from 'vitest';
import { CheckpointError, InvalidArgumentError } from '@maria-ts/core';
import { parseNumberList } from './parse-list.js';
import { formatErrorLine, runMain } from './run-main.js';

describe('CLI support', () => {
  it('parses number lists and rejects bad ones with the flag named', () => {
    expect(parseNumberList('--rates', '0.1, 0.5,0.9')).toEqual([0.1, 0.5, 0.9]);
    expect(() => parseNumberList('--threads', '1,x', { integer: true })).toThrow('invalid --threads: "1,x" (expected comma-separated integers)');
    expect(() => parseNumberList('--threads', '0', { integer: true, min: 1 })).toThrow(/>= 1/);
    expect(() => parseNumberList('--ids', '1,,2')).toThrow(/--ids/);
  });

  it('runMain prints one line, sets the exit code and emits a JSON error on request', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runMain(async () => {
        throw new CheckpointError('/models/x', 'config.json is missing');
      }, { json: () => true });
      expect(stderr).toHaveBeenCalledWith('error: /models/x: config.json is missing\n');
      expect(JSON.parse(String(stdout.mock.calls[0]?.[0]))).toMatchObject({ error: 'Checkpoint' });
      expect(process.exitCode).toBe(1);
      await runMain(async () => {
        throw new InvalidArgumentError('--n', -1, 'a positive integer');
      });
      expect(process.exitCode).toBe(2);
      stdout.mockClear();
      await runMain(async () => {
        throw new Error('Aborted(). Build with -sASSERTIONS for more info.');
      }, { json: () => true });
      expect(stderr).toHaveBeenLastCalledWith(expect.stringMatching(/^error: the wasm engine aborted \(Aborted\(\)\), most likely out of its 4\.00 GiB of memory; run it with --engine tensorflow/u));
      expect(JSON.parse(String(stdout.mock.calls[0]?.[0]))).toMatchObject({ error: 'EngineAborted', details: { engine: 'wasm' } });
      expect(process.exitCode).toBe(1);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
      process.exitCode = 0;
    }
    expect(formatErrorLine(new Error('first\nsecond'))).toBe('error: first');
    const schemaError = Object.assign(new Error('[\n  {"code": "custom"}\n]'), { issues: [{ path: ['steps'], message: 'steps must exceed warmupSteps' }, { path: [], message: 'bad' }] });
    expect(formatErrorLine(schemaError)).toBe('error: steps: steps must exceed warmupSteps; bad');
  });
});
