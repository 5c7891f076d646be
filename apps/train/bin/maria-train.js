#!/usr/bin/env node
// The installed `maria-train` command: dist/bin.js when built, else src/bin.ts through tsx.
import { launchApp } from '@maria-ts/app-launcher';

await launchApp(import.meta.url);
