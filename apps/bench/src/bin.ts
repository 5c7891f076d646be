#!/usr/bin/env node
import { benchProgram } from './index.js';

await benchProgram().parseAsync(process.argv);
