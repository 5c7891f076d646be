import { ENGINE_OPTION, THREADS_OPTION } from '@maria-ts/cli-kit';
import { describe, expect, it } from 'vitest';
import { mariaProgram } from './program.js';

describe('maria program', () => {
  it('gives every subcommand the shared --engine and --threads flags, with the same help', () => {
    const commands = mariaProgram().commands;
    expect(commands.map((command) => command.name()).sort()).toEqual(['bench-decode', 'forward', 'generate', 'infill']);
    for (const command of commands) {
      const option = (flag: string) => command.options.find((candidate) => candidate.long === flag);
      expect(option('--engine')?.description, command.name()).toBe(ENGINE_OPTION[1]);
      expect(option('--threads')?.description, command.name()).toBe(THREADS_OPTION[1]);
    }
  });
});
