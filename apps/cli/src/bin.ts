#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/core';
import { endOnSignals } from './end-on-signals.js';
import { mariaProgram } from './index.js';

endOnSignals();
await runCommandLine(mariaProgram());
