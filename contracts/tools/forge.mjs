#!/usr/bin/env node
// Runs forge from @foundry-rs/forge's platform package and exits with forge's own status.
//
// The package's Node wrapper (node_modules/.bin/forge, @foundry-rs/forge 1.7.1 bin.mjs) spawns the binary but never
// passes its exit status on, so `forge test` with failing tests exits 0 through it and CI would pass. Every script and
// test that relies on forge's status runs it through this file instead (contracts/test-fixtures proves it).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The forge binary of this platform's package (the same lookup as the npm wrapper, without the wrapper). */
export function forgeBinary() {
  const require = createRequire(import.meta.url);
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
  const executable = process.platform === 'win32' ? 'forge.exe' : 'forge';
  const packageJson = require.resolve(`@foundry-rs/forge-${process.platform}-${arch}/package.json`);
  const binary = path.join(path.dirname(packageJson), 'bin', executable);
  if (!existsSync(binary)) throw new Error(`forge binary missing at ${binary}: reinstall with optional dependencies`);
  return binary;
}

/** Runs forge with `args`, passes Ctrl-C and SIGTERM on, and exits this process with forge's status or signal. */
export function runForge(args) {
  const child = spawn(forgeBinary(), args, { stdio: 'inherit' });
  // Ctrl-C reaches forge through the terminal's process group; SIGTERM from a parent is passed on explicitly.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`forge: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Re-raise so our own parent sees forge's signal, after removing our handler for it.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) runForge(process.argv.slice(2));
