#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/cli-kit';
import { serveCommand } from './cli/serve-command.js';

/**
 * The `maria-serve` entry point. Start-up errors (a bad flag, a missing model directory)
 * follow core's `runMain` contract: one line on stderr, a non-zero exit code (2 for argument
 * errors, an unknown flag included), no stack trace. It has no `--json`.
 */
await runCommandLine(serveCommand(), process.argv, { json: () => false });
