import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  createPublicClient,
  defineChain,
  http,
} from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type LeashAddresses,
  type SessionKeySignerLike,
  KeystorePasswordError,
  SessionKeySigner,
  createLeashAccountClient,
  getLeashAccountAddress,
  getLeashAddresses,
  sessionKeyActions,
} from '@leash/sdk';
import { type Command, Option } from 'commander';
import { CliError } from './errors.js';
import { parseAddress } from './parse/limits.js';
import { type StackFile, keystorePath, ownerKeyPath, readOwnerKey, readStackFile, stackFilePath, writeOwnerKey } from './state.js';

/** The chain and bundler a command talks to. */
export type Target = {
  rpcUrl: string;
  /** Undefined for commands that only read the chain. */
  bundlerUrl: string | undefined;
  chain: Chain;
  addresses: LeashAddresses;
  /** The running local stack, when the target is it (development conveniences apply only then). */
  local: StackFile | undefined;
  publicClient: PublicClient;
};

/** The flags every command that talks to a chain takes. */
export type ConnectionOptions = { rpcUrl?: string | undefined; bundlerUrl?: string | undefined };

/** Adds `--rpc-url`, `--bundler-url` (with their environment variables) and `--json` to a command. */
export function connectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--rpc-url <url>', 'RPC URL of the chain (default: the local stack)').env('LEASH_RPC_URL'))
    .addOption(new Option('--bundler-url <url>', 'ERC-4337 bundler URL (default: the local stack)').env('LEASH_BUNDLER_URL'))
    .option('--json', 'print the result as JSON');
}

/** Adds `--owner-key` (env LEASH_OWNER_KEY). */
export function ownerOption(command: Command): Command {
  return command.addOption(
    new Option('--owner-key <key>', "the account owner's private key (default on the local stack: the stored dev key)").env('LEASH_OWNER_KEY'),
  );
}

/** Adds `--account` (env LEASH_ACCOUNT). */
export function accountOption(command: Command): Command {
  return command.addOption(new Option('--account <address>', "the account (default: the owner key's account)").env('LEASH_ACCOUNT'));
}

const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Finds what to talk to: `--rpc-url` / `--bundler-url` (or their environment variables) when given, else the local
 * stack that `leash up` described in the state directory. Fails clearly when neither is there.
 */
export async function resolveTarget(options: ConnectionOptions, needs: { bundler: boolean }): Promise<Target> {
  const rpcFlag = given(options.rpcUrl);
  const bundlerFlag = given(options.bundlerUrl);
  const stackState = readStackFile();
  const running = stackState.status === 'running' ? stackState.stack : undefined;

  if (!rpcFlag && !running) {
    const hint = 'Start one with `leash up` (in this directory, or with the same LEASH_HOME), or pass --rpc-url and --bundler-url (env LEASH_RPC_URL, LEASH_BUNDLER_URL).';
    if (stackState.status === 'stale')
      throw new CliError(`The local stack in ${stackFilePath()} is not running any more (its leash up, pid ${stackState.stack.pid}, has exited).`, { hint });
    throw new CliError(`No local stack is running: ${stackFilePath()} does not exist.`, { hint });
  }
  const local = !rpcFlag || rpcFlag === running?.rpcUrl ? running : undefined;
  const rpcUrl = rpcFlag ?? running!.rpcUrl;
  const bundlerUrl = bundlerFlag ?? local?.bundlerUrl;
  if (needs.bundler && !bundlerUrl)
    throw new CliError('--bundler-url (or LEASH_BUNDLER_URL) is required with --rpc-url: this command sends a user operation.');

  let chainId = local?.chainId;
  if (chainId === undefined) {
    try {
      chainId = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getChainId();
    } catch (cause) {
      throw new CliError(`Cannot reach the RPC at ${rpcUrl}.`, { cause, hint: 'Check --rpc-url (or LEASH_RPC_URL).' });
    }
  }
  const chain = defineChain({
    id: chainId,
    name: local ? 'Leash local' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // The running stack's own record: its contracts were deployed from the bytecode of the day it started.
  const addresses: LeashAddresses = local
    ? {
        entryPoint: local.contracts.entryPoint,
        accountFactory: local.contracts.accountFactory,
        accountImplementation: local.contracts.accountImplementation,
        sessionKeyModule: local.contracts.sessionKeyModule,
        permissionUpdater: local.contracts.permissionUpdater,
        sessionKeyLens: local.contracts.sessionKeyLens,
      }
    : getLeashAddresses();
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: local ? 250 : 1_000 });
  if (!local && !(await publicClient.getCode({ address: addresses.sessionKeyModule })))
    throw new CliError(`Leash is not deployed on chain ${chainId}: no session key module at ${addresses.sessionKeyModule}.`, {
      hint: 'Deploy it with `leash deploy --rpc-url <url>`.',
    });
  return { rpcUrl, bundlerUrl, chain, addresses, local, publicClient };
}

/** Where an owner key came from. */
export type OwnerSource = 'flag' | 'stored' | 'generated';

/**
 * The account owner: `--owner-key` / LEASH_OWNER_KEY, else (local stack only) the stored development key, generated
 * and stored by `account create` (`create: true`) when there is none yet.
 */
export function resolveOwner(target: Target, ownerKey: string | undefined, options: { create: boolean }): { owner: PrivateKeyAccount; source: OwnerSource } {
  const explicit = given(ownerKey);
  if (explicit) return { owner: toOwnerAccount(explicit, '--owner-key (or LEASH_OWNER_KEY)'), source: 'flag' };
  if (!target.local)
    throw new CliError(`--owner-key (or LEASH_OWNER_KEY) is required on chain ${target.chain.id}.`, {
      hint: 'A generated owner key is stored only for the local stack.',
    });
  const stored = readOwnerKey();
  if (stored) return { owner: toOwnerAccount(stored, ownerKeyPath()), source: 'stored' };
  if (!options.create)
    throw new CliError('No owner key: the local stack has no account yet.', {
      hint: 'Run `leash account create` (it generates a development owner key), or pass --owner-key / LEASH_OWNER_KEY.',
    });
  const key = generatePrivateKey();
  writeOwnerKey(key);
  return { owner: privateKeyToAccount(key), source: 'generated' };
}

function toOwnerAccount(key: string, source: string): PrivateKeyAccount {
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new CliError(`${source} must be a 32-byte hex private key (0x and 64 hex digits).`);
  return privateKeyToAccount(key as Hex);
}

/**
 * The account a command is about: `--account` / LEASH_ACCOUNT, else the owner key's account (as for owner commands).
 */
export function resolveAccount(target: Target, options: { account?: string | undefined; ownerKey?: string | undefined }): Address {
  const explicit = given(options.account);
  if (explicit) return parseAddress(explicit, '--account');
  try {
    const { owner } = resolveOwner(target, options.ownerKey, { create: false });
    return getLeashAccountAddress({ owner: owner.address, addresses: target.addresses });
  } catch (error) {
    if (error instanceof CliError)
      throw new CliError(`Which account? ${error.message}`, { hint: `Pass --account <address> (or LEASH_ACCOUNT). ${error.hint ?? ''}`.trim() });
    throw error;
  }
}

/** A client of the owner's account, for owner ops. */
export function ownerClient(target: Target, owner: PrivateKeyAccount): Promise<LeashClient> {
  return leashClient(target, { owner });
}

/** For owner commands: the target, the owner's account client and the account's address. */
export async function ownerContext(options: ConnectionOptions & { ownerKey?: string | undefined }) {
  const target = await resolveTarget(options, { bundler: true });
  const { owner } = resolveOwner(target, options.ownerKey, { create: false });
  const client = await ownerClient(target, owner);
  return { target, client, account: client.account.address };
}

/** A client of `account` whose ops a session key signs. */
export function sessionClient(target: Target, signer: SessionKeySignerLike, account: Address): Promise<LeashClient> {
  return leashClient(target, { signer, accountAddress: account });
}

/** A client for reading `account`'s state: it never signs (the SDK's client wants a signer, so it gets a throwaway one). */
export function readClient(target: Target, account: Address): Promise<LeashClient> {
  return sessionClient(target, new SessionKeySigner(), account);
}

async function leashClient(target: Target, who: { owner: PrivateKeyAccount } | { signer: SessionKeySignerLike; accountAddress: Address }) {
  const client = await createLeashAccountClient({
    chain: target.chain,
    transport: http(target.rpcUrl),
    // Reading commands never reach the bundler; the RPC stands in for it.
    bundlerTransport: http(target.bundlerUrl ?? target.rpcUrl),
    addresses: target.addresses,
    pollingInterval: target.local ? 250 : 1_000,
    ...who,
  });
  return client.extend(sessionKeyActions());
}

/** A Leash account client with the session key actions. */
export type LeashClient = Awaited<ReturnType<typeof leashClient>>;

/**
 * The password of session keystores that `key add` and `key rotate` write on the local stack when none is given. It is
 * public: such keystores are for local development only.
 */
export const devKeyPassword = 'leash-local-dev';

/** The password for a session keystore, and whether it is the public development default. */
export function resolveKeyPassword(target: Target, password: string | undefined): { password: string; devDefault: boolean } {
  if (password !== undefined && password !== '') return { password, devDefault: false };
  if (target.local) return { password: devKeyPassword, devDefault: true };
  throw new CliError(`--password (or LEASH_KEY_PASSWORD) is required on chain ${target.chain.id}: it encrypts the session key's keystore.`, {
    hint: 'Only the local stack has a (public) development default password.',
  });
}

/** Adds `--password` (env LEASH_KEY_PASSWORD). */
export function passwordOption(command: Command): Command {
  return command.addOption(
    new Option('--password <password>', `password of session keystores (default on the local stack: the public dev password "${devKeyPassword}")`).env(
      'LEASH_KEY_PASSWORD',
    ),
  );
}

/**
 * Loads a session key signer from `--keystore <file>`, or from the keystore `key add` stored for `--key <address>`.
 */
export async function loadSessionKey(
  target: Target,
  options: { key?: string | undefined; keystore?: string | undefined; password?: string | undefined },
): Promise<SessionKeySigner> {
  const key = options.key === undefined ? undefined : parseAddress(options.key, '--key');
  const file = given(options.keystore) ?? (key ? keystorePath(key) : undefined);
  if (!file) throw new CliError('Which session key? Pass --key <address> (a key `leash key add` created) or --keystore <file>.');
  const { password, devDefault } = resolveKeyPassword(target, options.password);
  let signer: SessionKeySigner;
  try {
    signer = await SessionKeySigner.fromKeystoreFile(file, password);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(`No keystore at ${file}.`, {
        hint: key
          ? 'Only keys `leash key add` generated (without --key) are stored; pass --keystore <file> for another key.'
          : 'Check --keystore.',
      });
    if (error instanceof KeystorePasswordError)
      throw new CliError(`Wrong password for the keystore ${file}${devDefault ? ' (tried the local dev default)' : ''}.`, {
        hint: 'Pass --password (or LEASH_KEY_PASSWORD).',
      });
    throw error;
  }
  if (key && signer.address !== key) throw new CliError(`The keystore ${file} holds key ${signer.address}, not ${key}.`);
  return signer;
}
