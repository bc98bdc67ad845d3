#!/usr/bin/env node
// Builds the web session manager's browser assets (apps/web/dist/app). Run after `tsc -b` (npm's postinstall does).
import { buildWebApp } from '../dist/server/build.js';

const started = Date.now();
await buildWebApp({ log: (line) => console.log(line) });
console.log(`Web session manager built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
