import {
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  createPublicClient,
  getAddress,
  defineChain,
  http,
} from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createBundlerClient } from 'viem/account-abstraction';
import {
  type AccountKind,
  type LeashAddresses,
  type SessionKeySignerLike,
  type SessionKeySmartAccount,
  AccountOwnerMismatchError,
  UnknownAccountKindError,
  detectAccountKind,
  leashAccountAbi,
  leashAccountKind,
  toExistingAccountOwner,
  toLeash7702SmartAccount,
  withPrefundGasEstimate,
  estimateUserOperationFees,
  toErc7579SmartAccount,
  KeystorePasswordError,
  SessionKeyTagError,
  SessionKeySigner,
  createLeashAccountClient,
  getLeashAccountAddress,
  getLeashAddresses,
  sessionKeyActions,
} from '@leash/sdk';
import { type Command, Option } from 'commander';
import { CliError, exitCodes } from './errors.js';
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

/**
 * For owner commands: the target, the owner's account client, the account's address and its kind. Without
 * `--account`, the owner key's Leash account; with it, the account at that address, whatever its kind (Leash, Kernel,
 * Nexus, Safe7579, MSA, an EIP-7702 EOA), after checking that the owner key owns it.
 */
export async function ownerContext(options: ConnectionOptions & { ownerKey?: string | undefined; account?: string | undefined }) {
  const target = await resolveTarget(options, { bundler: true });
  const { owner } = resolveOwner(target, options.ownerKey, { create: false });
  const explicit = given(options.account);
  if (!explicit) {
    const client = await ownerClient(target, owner);
    return { target, client, account: client.account.address, kind: leashAccountKind };
  }
  const address = parseAddress(explicit, '--account');
  const { client, kind } = await existingOwnerClient(target, owner, address);
  return { target, client, account: address, kind };
}

/** The kind of the deployed account at `address` (and, for an EIP-7702 EOA, its delegation); an unknown kind is a clear error. */
export async function detectKind(target: Target, address: Address): Promise<{ kind: AccountKind; delegation: Address | undefined }> {
  try {
    const { kind, delegation } = await detectAccountKind(target.publicClient, address);
    return { kind, delegation };
  } catch (error) {
    if (!(error instanceof UnknownAccountKindError)) throw error;
    throw new CliError(`${address} is not an account Leash knows how to manage${error.accountId ? ` (its accountId() is "${error.accountId}")` : ' (it does not answer ERC-7579 accountId())'}.`, {
      hint: `The CLI manages ${knownKinds}.`,
      details: { reason: 'unknown-account-kind', accountId: error.accountId ?? null },
      cause: error,
    });
  }
}

const knownKinds = 'Leash accounts, Kernel v3.1, Nexus 1.0, Safe + Safe7579, the ERC-7579 reference account (MSA) and EOAs delegated with EIP-7702 to Leash';

/**
 * The owner's client of the account at `address`: detects its kind and checks that `owner` owns it (a Leash account's
 * signer, an EIP-7702 EOA's own key, or a key one of the account's validators accepts).
 */
async function existingOwnerClient(target: Target, owner: PrivateKeyAccount, address: Address): Promise<{ client: LeashClient; kind: AccountKind }> {
  const code = await target.publicClient.getCode({ address });
  if (!code) {
    if (getAddress(address) === owner.address)
      throw new CliError(`The EOA ${address} is not delegated to an ERC-7579 account yet.`, {
        hint: '`leash account create --eip7702` delegates it (EIP-7702) to Leash\'s account implementation and installs the session key module.',
        details: { reason: 'not-delegated' },
      });
    if (getAddress(address) === getLeashAccountAddress({ owner: owner.address, addresses: target.addresses }))
      return { client: await ownerClient(target, owner), kind: leashAccountKind };
    throw new CliError(`No account at ${address} on chain ${target.chain.id}.`, {
      hint: `Check --account. The owner key's own Leash account is ${getLeashAccountAddress({ owner: owner.address, addresses: target.addresses })} (\`leash account create\` deploys it).`,
      details: { reason: 'no-account' },
    });
  }
  const { kind } = await detectKind(target, address);
  if (kind.id === 'leash') {
    const signer = await target.publicClient.readContract({ address, abi: leashAccountAbi, functionName: 'signer' });
    if (getAddress(signer) !== owner.address) throw notOwner(address, owner.address, kind, `Its owner is ${signer}.`);
    return { client: await leashAccountClient(target, { owner, accountAddress: address }), kind };
  }
  let account: SessionKeySmartAccount;
  try {
    ({ account } = await toExistingAccountOwner({ client: target.publicClient as never, address, owner, addresses: target.addresses, kind }));
  } catch (error) {
    if (error instanceof AccountOwnerMismatchError) throw notOwner(address, owner.address, kind, error.details);
    throw error;
  }
  return { client: bundlerClientOf(target, account), kind };
}

/**
 * The owner's client of the owner key's own EOA as an ERC-7579 account: delegates the EOA with EIP-7702 to Leash's
 * account implementation first when it is not yet (a type-4 transaction the EOA sends and pays for itself).
 */
export async function eip7702OwnerClient(target: Target, owner: PrivateKeyAccount): Promise<LeashClient> {
  return bundlerClientOf(target, await toLeash7702SmartAccount({ client: target.publicClient as never, owner, addresses: target.addresses }));
}

/** A bundler client with the session key actions for an account of another kind (owner or session side). */
function bundlerClientOf(target: Target, account: SessionKeySmartAccount): LeashClient {
  const transport = http(target.bundlerUrl ?? target.rpcUrl);
  const client = createBundlerClient({
    // The account pays its ops' prefund from its ETH unless its EntryPoint deposit covers them: estimate that gas too.
    account: withPrefundGasEstimate(account, { client: target.publicClient, bundlerTransport: transport }),
    client: target.publicClient,
    transport,
    pollingInterval: target.local ? 250 : 1_000,
    userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, target.publicClient as never) },
  }).extend(sessionKeyActions());
  return client as unknown as LeashClient;
}

function notOwner(account: Address, owner: Address, kind: AccountKind, details: string): CliError {
  return new CliError(`The owner key (${owner}) does not own the ${kind.name} account ${account}. ${details}`.trim(), {
    hint: kind.id === 'eip7702' ? "Pass the EOA's own key with --owner-key (or LEASH_OWNER_KEY)." : "Pass the account owner's key with --owner-key (or LEASH_OWNER_KEY), or check --account.",
    details: { reason: 'not-owner', accountKind: kind.id, owner },
  });
}

/**
 * Fails when the session key module is not installed on the account, saying how to install it: `key add --account`
 * installs it with its first key on an account of another kind; `account create` sets up a Leash account.
 */
export async function requireModuleInstalled(client: LeashClient, account: Address, kind: AccountKind): Promise<void> {
  if (await client.isSessionKeyModuleInstalled()) return;
  throw new CliError(`The session key module is not installed on the ${kind.name} account ${account}.`, {
    hint: kind.id === 'leash' ? 'Run `leash account create` first.' : `\`leash key add --account ${account} …\` installs it with its first key.`,
    details: { reason: 'module-not-installed', accountKind: kind.id },
  });
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
  // A session key (or a reader) on an account of another kind (Kernel, Nexus, Safe7579, MSA, an EIP-7702 EOA): the
  // SDK's ERC-7579 account of that kind. A Leash account, or an address with no code yet, stays a Leash account.
  if ('signer' in who) {
    const kind = await existingAccountKind(target, who.accountAddress);
    if (kind)
      return bundlerClientOf(
        target,
        await toErc7579SmartAccount({ client: target.publicClient as never, address: who.accountAddress, kind, signer: who.signer, addresses: target.addresses }),
      );
  }
  return leashAccountClient(target, who);
}

/** The kind of a deployed ERC-7579 account that is not a Leash account; undefined for a Leash account or no code. */
async function existingAccountKind(target: Target, address: Address): Promise<AccountKind | undefined> {
  try {
    const { kind } = await detectAccountKind(target.publicClient, address);
    return kind.id === 'leash' ? undefined : kind;
  } catch (error) {
    if (error instanceof UnknownAccountKindError && error.accountId === undefined) return undefined;
    throw error;
  }
}

async function leashAccountClient(
  target: Target,
  who: { owner: PrivateKeyAccount; accountAddress?: Address } | { signer: SessionKeySignerLike; accountAddress: Address },
) {
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
export type LeashClient = Awaited<ReturnType<typeof leashAccountClient>>;

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

/** A session key as the command line names it: an address (anything starting with 0x), or a tag to look up. */
export type KeyArgument = { address: Address; flag: string } | { tag: string; flag: string };

/** Reads a key argument before any request, so a malformed address fails at once. */
export function parseKeyArgument(value: string, flag: string): KeyArgument {
  return /^0x/i.test(value.trim()) ? { address: parseAddress(value, flag), flag } : { tag: value, flag };
}

/**
 * A session key named on the command line by its address, or by its tag (the label `key add --tag` gave it), looked up
 * among the account's keys with the SDK's `getSessionKeyByTag`. An unknown or ambiguous tag is a usage error that says
 * which keys there are.
 */
export async function resolveSessionKey(target: Target, account: Address, argument: KeyArgument): Promise<Address> {
  if ('address' in argument) return argument.address;
  const { tag: value, flag } = argument;
  try {
    return (await (await readClient(target, account)).getSessionKeyByTag({ tag: value, account })).address;
  } catch (error) {
    if (!(error instanceof SessionKeyTagError)) throw error;
    throw new CliError(
      error.reason === 'unknown'
        ? `${flag}: "${value}" is neither an address nor the tag of a session key of ${account}.`
        : `${flag}: ${error.matches.length} session keys of ${account} have the tag "${value}": ${error.matches.map((k) => k.address).join(', ')}.`,
      { exitCode: exitCodes.usage, hint: error.reason === 'unknown' ? 'See `leash key list` for the keys and their tags.' : 'Name the key by its address.', cause: error },
    );
  }
}

/**
 * Loads a session key signer from `--keystore <file>`, or from the keystore `key add` stored for `--key <address or
 * tag>` (a tag is looked up among `account`'s keys).
 */
export async function loadSessionKey(
  target: Target,
  options: { key?: string | undefined; keystore?: string | undefined; password?: string | undefined },
  account?: Address,
): Promise<SessionKeySigner> {
  const key =
    options.key === undefined
      ? undefined
      : account === undefined
        ? parseAddress(options.key, '--key')
        : await resolveSessionKey(target, account, parseKeyArgument(options.key, '--key'));
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
