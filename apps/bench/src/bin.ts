#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/core';
import { benchProgram } from './index.js';

await runCommandLine(benchProgram());
