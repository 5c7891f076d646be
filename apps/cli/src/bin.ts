#!/usr/bin/env node
import { mariaProgram } from './index.js';

await mariaProgram().parseAsync(process.argv);
