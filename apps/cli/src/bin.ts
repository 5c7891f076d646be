#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/core';
import { mariaProgram } from './index.js';

await runCommandLine(mariaProgram());
