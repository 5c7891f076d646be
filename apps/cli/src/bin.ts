#!/usr/bin/env node
import { runCommandLine } from '@maria-ts/cli-kit';
import { endOnSignals } from './end-on-signals.js';
import { mariaProgram } from './index.js';

endOnSignals();
await runCommandLine(mariaProgram());
