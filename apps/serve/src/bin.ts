#!/usr/bin/env node
import { runMain } from '@maria-ts/core';
import { CommanderError } from 'commander';
import { serveCommand } from './cli/serve-command.js';

/**
 * The `maria-serve` entry point. Start-up errors (a bad flag, a missing model directory)
 * follow core's `runMain` contract: one line on stderr, a non-zero exit code, no stack trace.
 */
await runMain(async () => {
  const program = serveCommand().exitOverride();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode;
  }
});
