#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/cli-kit';
import { benchProgram } from './index.js';

await runCommandLine(benchProgram());
