#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/cli-kit';
import { createProgram } from './index.js';

/**
 * The `maria-train` entry point. Errors follow core's `runMain` contract (ARCHITECTURE.md §5.1): one
 * line on stderr, a JSON error on stdout with `--json`, a non-zero exit code (2 for argument
 * errors, commander's own included), no stack trace.
 */
await runCommandLine(createProgram());
