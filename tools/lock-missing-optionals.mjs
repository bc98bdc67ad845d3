#!/usr/bin/env node
// The npm registry mirror reachable from our machines lacks some platform-specific optional packages
// (e.g. @foundry-rs/anvil-darwin-amd64). `npm install` then leaves them out of package-lock.json and `npm ci`
// refuses the lock as out of sync. This adds lock entries for them, marked optional with their os/cpu, so
// `npm ci` accepts the lock and skips them on other platforms. Run after `npm install` changes the lock.
import fs from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const platforms = {
  'darwin-amd64': ['darwin', 'x64'], 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'],
  'linux-amd64': ['linux', 'x64'], 'linux-arm64': ['linux', 'arm64'], 'linux-x64': ['linux', 'x64'],
  'linux-arm': ['linux', 'arm'], 'win32-amd64': ['win32', 'x64'], 'win32-x64': ['win32', 'x64'],
};
let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const suffix = Object.keys(platforms).find((p) => name.endsWith(`-${p}`));
    if (!suffix || lock.packages[`node_modules/${name}`]) continue;
    const [os, cpu] = platforms[suffix];
    lock.packages[`node_modules/${name}`] = { version, cpu: [cpu], ...(entry.dev ? { dev: true } : {}), optional: true, os: [os] };
    added++;
  }
}
if (added) {
  // Same order as npm writes (root first, then by localeCompare), so a later `npm install` leaves the lock alone.
  const sorted = Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')));
  lock.packages = Object.fromEntries(sorted);
  fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`Added ${added} missing optional platform packages to package-lock.json`);
