#!/usr/bin/env node
// Thin launcher: the CLI itself is compiled TypeScript in dist/ (built by `npm install` via `prepare`).
import { main } from '../dist/generator/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
