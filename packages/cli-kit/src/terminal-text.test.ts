import { describe, expect, it, vi } from 'vitest';
import { formatErrorLine, runMain } from './run-main.js';
import { CheckpointError, escapeControlCharacters, log, terminalSafeJson } from '@maria-ts/core';

describe('text bound for a terminal', () => {
  it('escapes C0 and C1 controls, DEL and bidi overrides, and leaves other text alone', () => {
    expect(escapeControlCharacters('a\u001b[31mred\u0007\r\u007f\u009b2J\u202egnp.exe\u2066x\u2069')).toBe('a\\x1b[31mred\\x07\\x0d\\x7f\\x9b2J\\u202egnp.exe\\u2066x\\u2069');
    expect(escapeControlCharacters('Le café Zürich 東京 🐱 tab\there')).toBe('Le café Zürich 東京 🐱 tab\\x09here');
    expect(escapeControlCharacters('two\nlines\tand \u001b[2J\r\u202e', { multiline: true })).toBe('two\nlines\tand \\x1b[2J\\x0d\\u202e');
  });

  it('JSON for a terminal escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { message: 'x\u001b[2J\u009b\u202e\u2028y', café: 'ü' };
    const text = terminalSafeJson(value);
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/u);
    expect(text).toContain('café');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('every error line runMain prints is escaped: a crafted file cannot send escape sequences to the terminal', async () => {
    expect(formatErrorLine(new Error('bad token "\u001b]0;owned\u0007" in tokenizer.json'))).toBe('error: bad token "\\x1b]0;owned\\x07" in tokenizer.json');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runMain(async () => {
        throw new CheckpointError('/m/tokenizer.json', 'unknown piece "\u009b31m\u202e"');
      }, { json: () => true });
      const line = String(stderr.mock.calls[0]?.[0]);
      expect(line).toBe('error: /m/tokenizer.json: unknown piece "\\x9b31m\\u202e"\n');
      const json = String(stdout.mock.calls[0]?.[0]);
      expect(json).not.toMatch(/[\u007f-\u009f\u202e]/u);
      expect(JSON.parse(json)).toMatchObject({ error: 'Checkpoint', message: '/m/tokenizer.json: unknown piece "\u009b31m\u202e"' });
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
      process.exitCode = 0;
    }
  });

  it('the default log sink escapes too (warnings quote files)', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.MARIA_LOG;
    delete process.env.MARIA_LOG;
    try {
      log('skipping "\u001b[8m" in vocab.txt');
      expect(stderr).toHaveBeenCalledWith('maria: skipping "\\x1b[8m" in vocab.txt\n');
    } finally {
      if (saved !== undefined) process.env.MARIA_LOG = saved;
      stderr.mockRestore();
    }
  });
});
