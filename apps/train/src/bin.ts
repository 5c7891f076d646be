#!/usr/bin/env node
import { runMain } from '@maria-ts/core';
import { CommanderError } from 'commander';
import { createProgram } from './index.js';

/**
 * The `maria-train` entry point. Errors follow core's `runMain` contract (DESIGN.md §6): one
 * line on stderr, a JSON error on stdout with `--json`, a non-zero exit code, no stack trace.
 * Commander's own usage errors are printed by commander and keep its exit code.
 */
await runMain(
  async () => {
    const program = createProgram().exitOverride();
    try {
      await program.parseAsync(process.argv);
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      process.exitCode = error.exitCode;
    }
  },
  { json: () => process.argv.includes('--json') },
);
