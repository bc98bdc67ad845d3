#!/usr/bin/env node
// Builds the web session manager's browser assets (apps/web/dist/app); with --if-stale only when they are missing or
// older than their sources. Run after `tsc -b` (npm's postinstall and `npm start` do).
import { buildWebApp, ensureWebAppBuilt } from '../dist/server/build.js';

const started = Date.now();
const log = (line) => console.log(line);
const built = process.argv.includes('--if-stale') ? await ensureWebAppBuilt({ log }) : (await buildWebApp({ log }), true);
if (built) console.log(`Web session manager built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
