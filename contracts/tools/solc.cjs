#!/usr/bin/env node
// forge cannot download a native solc here, so it calls this script instead.
// It behaves like `solc --standard-json` on top of the pinned npm `solc` (solcjs).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const solc = require('solc');

const args = process.argv.slice(2);
const solcVersion = solc.version(); // e.g. 0.8.28+commit.7893614a.Emscripten.clang

if (args.includes('--version')) {
  const [release, build] = solcVersion.split('+'); // build: commit.7893614a.Emscripten.clang
  const commit = build.split('.').slice(0, 2).join('.');
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${release}+${commit}.Linux.g++\n`);
  process.exit(0);
}

function pathArgs(flag) {
  const out = [];
  args.forEach((a, i) => {
    if (a === flag && args[i + 1]) out.push(args[i + 1]);
    else if (a.startsWith(`${flag}=`)) out.push(a.slice(flag.length + 1));
  });
  return out;
}

const roots = [...pathArgs('--base-path'), ...pathArgs('--include-path'), process.cwd()];

const contents = new Map(); // source name -> content, served through the import callback

function findImports(importPath) {
  const known = contents.get(importPath) ?? contents.get(path.normalize(importPath));
  if (known !== undefined) return { contents: known };
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.resolve(r, importPath));
  for (const file of candidates) {
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = JSON.parse(fs.readFileSync(0, 'utf8'));
if (process.env.SOLC_DUMP) fs.writeFileSync(process.env.SOLC_DUMP, JSON.stringify(input));

// solcjs passes its standard-JSON input through the wasm stack, which overflows ("memory access out of bounds") once
// forge's input, which embeds every source, grows past about a megabyte. So solc gets each source as a URL and reads
// its content through the import callback (heap memory) instead.
// forge also names some files by absolute path and others by a path relative to the project (remapped imports), so
// one file can appear twice: solc gets each file once, under its project-relative name, and the output is copied
// back to every name forge used.
const canonical = (name) => (path.isAbsolute(name) ? path.relative(process.cwd(), name) : path.normalize(name));
const aliases = new Map(); // canonical name -> names forge used
const sources = {};
for (const [name, source] of Object.entries(input.sources)) {
  const key = canonical(name);
  if (!aliases.has(key)) aliases.set(key, []);
  aliases.get(key).push(name);
  if (source.content !== undefined) {
    contents.set(key, source.content);
    sources[key] = { urls: [key] };
  } else {
    sources[key] = source;
  }
}
input.sources = sources;

// Output selection keys name sources too.
const selection = {};
for (const [name, perContract] of Object.entries(input.settings.outputSelection ?? {})) {
  selection[name === '*' ? name : canonical(name)] = perContract;
}
input.settings.outputSelection = selection;

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
for (const [key, names] of aliases) {
  for (const name of names) {
    if (name === key) continue;
    if (output.sources?.[key]) output.sources[name] = output.sources[key];
    if (output.contracts?.[key]) output.contracts[name] = output.contracts[key];
  }
}
process.stdout.write(JSON.stringify(output));
