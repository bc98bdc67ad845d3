#!/usr/bin/env node
// The accounts people already have (Kernel v3.1, Nexus, Safe with the Safe7579 adapter, the ERC-7579 reference MSA),
// as compiled bytecode, for the tests, the bench and the local stack. Rhinestone's @rhinestone/modulekit 0.5.9 ships
// that bytecode in src/deployment/precompiles/*Precompiles.sol; its package.json names GitHub dependencies, so
// `npm install` of it fails, but its registry tarball is fine. This script fetches the tarball with `npm pack` (through
// npm's own cache and registry settings), checks its integrity against the one pinned below, and writes only the
// bytecode constants to node_modules/.cache/leash-accounts/modulekit-0.5.9.json. Nothing fetched is committed; run on
// install (postinstall) and again by the tests when the cache is missing. Exits 1 with a clear message on a mismatch.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const modulekitPackage = '@rhinestone/modulekit';
export const modulekitVersion = '0.5.9';
export const modulekitIntegrity =
  'sha512-Zc5Qo3dkyVhBo7OQRKOltYd+jlGCtV18TWSmpSvIdXKwUgo5xj8zL73wAwFKTww00zt/wXMbW6Z6ysIQWH3Ezw==';
const precompiles = ['Kernel', 'Nexus', 'Safe7579', 'ERC7579'].map((name) => `package/src/deployment/precompiles/${name}Precompiles.sol`);

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const modulekitCacheFile = path.join(rootDir, 'node_modules/.cache/leash-accounts', `modulekit-${modulekitVersion}.json`);

/** The files of a tar archive (ustar, regular files only) as name → contents. */
function untar(buffer, wanted) {
  const files = new Map();
  for (let offset = 0; offset + 512 <= buffer.length; ) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join('/');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const body = offset + 512;
    if (wanted.has(name)) files.set(name, buffer.subarray(body, body + size).toString('utf8'));
    offset = body + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** `bytes public constant NAME = hex"…"` → { NAME: '0x…' } */
function bytecodeConstants(source) {
  const constants = {};
  for (const match of source.matchAll(/bytes\s+(?:public\s+)?constant\s+(\w+)\s*=\s*hex"([0-9a-fA-F]*)"/g))
    constants[match[1]] = `0x${match[2].toLowerCase()}`;
  return constants;
}

/** Fetches, checks and caches the bytecode; returns the cache file's path. Reuses a cache written for this integrity. */
export function fetchModulekitBytecode({ log = console.log } = {}) {
  if (fs.existsSync(modulekitCacheFile)) {
    const cached = JSON.parse(fs.readFileSync(modulekitCacheFile, 'utf8'));
    if (cached.integrity === modulekitIntegrity) return modulekitCacheFile;
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-modulekit-'));
  try {
    const npm = process.env.npm_execpath;
    const [command, prefix] = npm && npm.endsWith('.js') ? [process.execPath, [npm]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
    const out = execFileSync(command, [...prefix, 'pack', `${modulekitPackage}@${modulekitVersion}`, '--json', '--pack-destination', workDir], {
      cwd: workDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [{ filename }] = JSON.parse(out);
    const tarball = fs.readFileSync(path.join(workDir, filename));
    const integrity = `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`;
    if (integrity !== modulekitIntegrity)
      throw new Error(
        `${modulekitPackage}@${modulekitVersion}: the registry's tarball has integrity ${integrity}, not the pinned ` +
          `${modulekitIntegrity}. Refusing to use its bytecode (a changed tarball could carry other accounts).`,
      );
    const files = untar(zlib.gunzipSync(tarball), new Set(precompiles));
    const contracts = {};
    for (const file of precompiles) {
      if (!files.has(file)) throw new Error(`${modulekitPackage}@${modulekitVersion} has no ${file}.`);
      Object.assign(contracts, bytecodeConstants(files.get(file)));
    }
    fs.mkdirSync(path.dirname(modulekitCacheFile), { recursive: true });
    fs.writeFileSync(
      modulekitCacheFile,
      `${JSON.stringify({ package: modulekitPackage, version: modulekitVersion, integrity, files: precompiles, contracts }, null, 1)}\n`,
    );
    log(`Account bytecode from ${modulekitPackage}@${modulekitVersion} (integrity checked): ${Object.keys(contracts).length} contracts in ${path.relative(rootDir, modulekitCacheFile)}`);
    return modulekitCacheFile;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    fetchModulekitBytecode();
  } catch (error) {
    console.error(`tools/accounts/fetch-modulekit.mjs: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
