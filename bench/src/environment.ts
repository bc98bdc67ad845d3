import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Address, type Chain, type Hex, type PublicClient, type Transport, keccak256, size } from 'viem';
import { entryPointAddress } from '@leash/sdk';
import { resolveAnvilBinary } from '@leash/sdk/local';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Compiler settings of contracts/foundry.toml's default profile that decide the bytecode, hence the gas. */
export type CompilerSettings = Record<string, string | number | boolean>;

const compilerKeys = [
  'solc',
  'evm_version',
  'optimizer',
  'optimizer_runs',
  'via_ir',
  'bytecode_hash',
  'cbor_metadata',
  'additional_compiler_profiles',
  'compilation_restrictions',
];

/** Reads the single-line settings of `[profile.default]` that decide the bytecode (a TOML subset is enough here). */
export function parseCompilerSettings(toml: string): CompilerSettings {
  const settings: CompilerSettings = {};
  let inDefault = false;
  for (const raw of toml.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[') && !line.startsWith('[{')) {
      inDefault = line === '[profile.default]';
      continue;
    }
    const match = inDefault ? /^([a-z_]+)\s*=\s*(.+)$/.exec(line) : null;
    if (!match || !compilerKeys.includes(match[1]!)) continue;
    const value = match[2]!.trim();
    if (value === 'true' || value === 'false') settings[match[1]!] = value === 'true';
    else if (/^\d[\d_]*$/.test(value)) settings[match[1]!] = Number(value.replace(/_/g, ''));
    else if (/^".*"$/.test(value)) settings[match[1]!] = value.slice(1, -1);
    else settings[match[1]!] = value;
  }
  return settings;
}

/** The version in an installed package's package.json (read directly, or found by walking up from its entry point). */
export function installedVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    // its "exports" hide package.json: walk up from the entry point
  }
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === name && json.version) return json.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json of ${name} not found`);
    dir = parent;
  }
}

const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: repoRoot, encoding: 'utf8' }).trim();

/** First line of `<binary> --version`, e.g. "anvil Version: 1.7.1", with the commit it reports. */
function binaryVersion(binary: string): string {
  const output = run(binary, ['--version']);
  const version = /Version: (\S+)/.exec(output)?.[1] ?? output.split('\n')[0]!;
  const commit = /Commit SHA: ([0-9a-f]{7})/.exec(output)?.[1];
  return commit ? `${version} (${commit})` : version;
}

function forgeBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const packageDir = path.dirname(require.resolve(`@foundry-rs/forge-${process.platform}-${arch}/package.json`));
  return path.join(packageDir, 'bin', 'forge');
}

export type Environment = {
  node: string;
  platform: string;
  cpu: { model: string; cores: number; loadAverageAtStart: number[] };
  packages: Record<string, string>;
  binaries: { forge: string; anvil: string };
  compiler: CompilerSettings;
  git: { commit: string; branch: string; uncommittedFiles: Record<string, number> };
  altoPatches: string[];
};

/** Versions and settings that decide the figures, read from what is installed and checked out (never typed in). */
export function readEnvironment(): Environment {
  // The bench's own outputs are left out: they change on every run.
  const outputs = ['bench/results.json', 'bench/RESULTS.md', 'bench/chart.svg'].map((file) => `:(exclude)${file}`);
  const status = (dir: string) => run('git', ['status', '--porcelain', '--', dir, ...outputs]).split('\n').filter(Boolean).length;
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))) },
    packages: Object.fromEntries(
      ['viem', 'solc', '@foundry-rs/forge', '@foundry-rs/anvil', '@account-abstraction/contracts', '@pimlico/alto', '@openzeppelin/contracts', 'typescript', 'tsx'].map(
        (name) => [name, installedVersion(name)],
      ),
    ),
    binaries: { forge: binaryVersion(forgeBinary()), anvil: binaryVersion(resolveAnvilBinary()) },
    compiler: parseCompilerSettings(fs.readFileSync(path.join(repoRoot, 'contracts/foundry.toml'), 'utf8')),
    git: {
      commit: run('git', ['rev-parse', 'HEAD']),
      branch: run('git', ['rev-parse', '--abbrev-ref', 'HEAD']),
      // The tree is shared and often mid-change: say how far the measured code may differ from the commit.
      uncommittedFiles: Object.fromEntries(['contracts', 'packages/sdk', 'bench'].map((dir) => [dir, status(dir)])),
    },
    altoPatches: fs.readdirSync(path.join(repoRoot, 'patches')).filter((f) => f.includes('alto')),
  };
}

/** What the chain ran: anvil's hardfork and version, and hashes of the code the figures were measured on. */
export type ChainFacts = {
  hardfork: string;
  clientVersion: string;
  entryPoint: { address: Address; codeHash: Hex };
  sessionKeyModule: { address: Address; codeHash: Hex; codeSize: number };
  /** Runtime size of every contract Leash deploys, beside EIP-170's 24,576-byte limit. */
  contractSizes: ContractSize[];
};

/** A deployed contract's runtime size and the room EIP-170 leaves it. */
export type ContractSize = { name: string; address: Address; codeSize: number; eip170Room: number };

/** EIP-170's limit on a contract's runtime code. */
export const eip170Limit = 24_576;

/** The Leash contracts whose size the bench reports. */
export type LeashDeployment = {
  sessionKeyModule: Address;
  permissionUpdater: Address;
  sessionKeyLens: Address;
  accountFactory: Address;
  accountImplementation: Address;
};

export async function readChainFacts(publicClient: PublicClient<Transport, Chain>, addresses: LeashDeployment): Promise<ChainFacts> {
  const sessionKeyModule = addresses.sessionKeyModule;
  const nodeInfo = (await publicClient.request({ method: 'anvil_nodeInfo' } as never)) as { hardFork: string };
  const clientVersion = (await publicClient.request({ method: 'web3_clientVersion' })) as string;
  const codeOf = async (address: Address) => {
    const code = await publicClient.getCode({ address });
    if (!code) throw new Error(`No code at ${address}`);
    return code;
  };
  const moduleCode = await codeOf(sessionKeyModule);
  return {
    hardfork: nodeInfo.hardFork,
    clientVersion,
    entryPoint: { address: entryPointAddress, codeHash: keccak256(await codeOf(entryPointAddress)) },
    sessionKeyModule: { address: sessionKeyModule, codeHash: keccak256(moduleCode), codeSize: size(moduleCode) },
    contractSizes: await Promise.all(
      (
        [
          ['SessionKeyModule (validation core)', addresses.sessionKeyModule],
          ['PermissionUpdater (key management)', addresses.permissionUpdater],
          ['SessionKeyLens', addresses.sessionKeyLens],
          ['LeashAccountFactory', addresses.accountFactory],
          ['LeashAccount (implementation)', addresses.accountImplementation],
        ] as const
      ).map(async ([name, address]) => {
        const codeSize = size(await codeOf(address));
        return { name, address, codeSize, eip170Room: eip170Limit - codeSize };
      }),
    ),
  };
}
