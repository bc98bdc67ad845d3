import {
  type Address,
  type Client,
  type Hex,
  encodeAbiParameters,
  getAddress,
  zeroAddress,
} from 'viem';
import { getCode, readContract } from 'viem/actions';
import { type LeashEntryPoint, entryPoints } from '../../constants.js';
import { LeashError } from '../../errors/LeashError.js';
import type { Call } from '../execution.js';
import {
  type NonceKeyLayout,
  encodeErc7579InstallValidator,
  encodeErc7579UninstallValidator,
  isErc7579ValidatorInstalled,
  kernelNonceLayout,
  nexusNonceLayout,
  openZeppelinNonceLayout,
} from '../erc7579.js';

/**
 * The kinds of ERC-7579 account the SDK knows: how each names a validator in its nonce key, installs and uninstalls a
 * validator, and which EntryPoint the deployed accounts of that kind are built for.
 *
 * @example
 * ```ts
 * const kind: AccountKindId = (await detectAccountKind(publicClient, address)).id // 'kernel'
 * ```
 */
export type AccountKindId = 'leash' | 'openzeppelin' | 'kernel' | 'nexus' | 'safe7579' | 'msa' | 'eip7702';

/**
 * What differs between ERC-7579 accounts for the session key actions (the account capability's account-specific part).
 *
 * @example
 * ```ts
 * const call = kernelAccountKind.encodeInstallValidator(account, { module, initData })
 * ```
 */
export type AccountKind = {
  id: AccountKindId;
  /** A name for people: `Kernel v3.1`, `Safe + Safe7579`, … */
  name: string;
  /** The EntryPoint accounts of this kind are built for (an account may name another; see the README's table). */
  entryPoint: LeashEntryPoint;
  /** How the nonce key names a validator and a lane. */
  nonceLayout: NonceKeyLayout;
  /** Whether an ERC-7579 `accountId()` answer is this kind's. */
  matchesAccountId(accountId: string): boolean;
  /** The call the account makes to itself to install validator `module` with `initData` (the module's own data). */
  encodeInstallValidator(account: Address, parameters: { module: Address; initData: Hex }): Call;
  /** The call the account makes to itself to uninstall validator `module` (some accounts need to read their module list). */
  encodeUninstallValidator(client: Client, account: Address, parameters: { module: Address; deInitData: Hex }): Promise<Call>;
  /** Whether `module` is installed as a validator (false while the account has no code). */
  isValidatorInstalled(client: Client, account: Address, module: Address): Promise<boolean>;
};

const standard = {
  encodeInstallValidator: encodeErc7579InstallValidator,
  async encodeUninstallValidator(_client: Client, account: Address, parameters: { module: Address; deInitData: Hex }) {
    return encodeErc7579UninstallValidator(account, parameters);
  },
  isValidatorInstalled: isErc7579ValidatorInstalled,
} satisfies Pick<AccountKind, 'encodeInstallValidator' | 'encodeUninstallValidator' | 'isValidatorInstalled'>;

const sentinel: Address = '0x0000000000000000000000000000000000000001';
/** ERC-7579 accounts' `getValidatorsPaginated` (Nexus, Safe7579, MSA): their sentinel-linked validator list. */
export const getValidatorsPaginatedAbi = [
  {
    type: 'function',
    name: 'getValidatorsPaginated',
    stateMutability: 'view',
    inputs: [
      { name: 'cursor', type: 'address' },
      { name: 'size', type: 'uint256' },
    ],
    outputs: [
      { name: 'array', type: 'address[]' },
      { name: 'next', type: 'address' },
    ],
  },
] as const;

/**
 * The validator before `module` in an account's sentinel-linked validator list (Nexus, Safe7579 and the reference MSA
 * keep validators so, and their `uninstallModule` takes it: `abi.encode(previous, deInitData)`).
 *
 * @example
 * ```ts
 * const previous = await previousValidator(publicClient, account, sessionKeyModule)
 * ```
 */
export async function previousValidator(client: Client, account: Address, module: Address): Promise<Address> {
  let previous = sentinel;
  let cursor = sentinel;
  for (let page = 0; page < 100; page++) {
    const [validators, next] = await readContract(client, {
      address: account,
      abi: getValidatorsPaginatedAbi,
      functionName: 'getValidatorsPaginated',
      args: [cursor, 20n],
    });
    for (const validator of validators) {
      if (getAddress(validator) === getAddress(module)) return previous;
      previous = validator;
    }
    if (next === sentinel || next === zeroAddress || validators.length === 0) break;
    cursor = next;
  }
  throw new LeashError(`Validator ${module} is not installed on ${account}.`);
}

const sentinelListUninstall = {
  async encodeUninstallValidator(client: Client, account: Address, parameters: { module: Address; deInitData: Hex }) {
    const previous = await previousValidator(client, account, parameters.module);
    return encodeErc7579UninstallValidator(account, {
      module: parameters.module,
      deInitData: encodeAbiParameters([{ type: 'address' }, { type: 'bytes' }], [previous, parameters.deInitData]),
    });
  },
};

/**
 * The Leash reference account (OpenZeppelin AccountERC7579 with an ECDSA owner, EntryPoint v0.8).
 *
 * @example
 * ```ts
 * leashAccountKind.nonceLayout.getNonceKey({ validator: module, lane: 0n })
 * ```
 */
export const leashAccountKind: AccountKind = {
  id: 'leash',
  name: 'Leash account',
  entryPoint: entryPoints['0.8'],
  nonceLayout: openZeppelinNonceLayout,
  matchesAccountId: (id) => id.startsWith('leash.account'),
  ...standard,
};

/**
 * Any other OpenZeppelin AccountERC7579 account (validator ‖ 4-byte lane in the nonce key), EntryPoint v0.8 by default.
 *
 * @example
 * ```ts
 * const account = await toErc7579SmartAccount({ client, address, kind: openZeppelinAccountKind, signer, addresses })
 * ```
 */
export const openZeppelinAccountKind: AccountKind = {
  id: 'openzeppelin',
  name: 'OpenZeppelin AccountERC7579',
  entryPoint: entryPoints['0.8'],
  nonceLayout: openZeppelinNonceLayout,
  matchesAccountId: (id) => id.startsWith('@openzeppelin/'),
  ...standard,
};

// Kernel v3.1 refuses ops of a non-root validator for selectors it was not granted: the install grants `execute`.
const executeSelector: Hex = '0xe9ae5c53';

/**
 * ZeroDev Kernel v3.1. Its nonce key is `mode ‖ type ‖ validator ‖ 2-byte lane`; `installModule(1, …)` takes
 * `hook ‖ abi.encode(validatorData, hookData, selectorData)`, and a validator other than the root may only call the
 * selectors it is granted, so the install grants `execute` (and no hook: address 0, which Kernel stores as 1).
 *
 * @example
 * ```ts
 * const install = kernelAccountKind.encodeInstallValidator(account, { module: sessionKeyModule, initData })
 * ```
 */
export const kernelAccountKind: AccountKind = {
  id: 'kernel',
  name: 'Kernel v3.1',
  entryPoint: entryPoints['0.7'],
  nonceLayout: kernelNonceLayout,
  matchesAccountId: (id) => id.startsWith('kernel.'),
  ...standard,
  encodeInstallValidator(account, { module, initData }) {
    const kernelInitData = `${zeroAddress}${encodeAbiParameters(
      [{ type: 'bytes' }, { type: 'bytes' }, { type: 'bytes' }],
      [initData, '0x', executeSelector],
    ).slice(2)}` as Hex;
    return encodeErc7579InstallValidator(account, { module, initData: kernelInitData });
  },
};

/**
 * Biconomy Nexus 1.0. Nonce key `3-byte lane ‖ mode ‖ validator`; validators in a sentinel list, so uninstalling
 * names the previous one; the last validator cannot be uninstalled.
 *
 * @example
 * ```ts
 * nexusAccountKind.nonceLayout.getNonceKey({ validator: module, lane: 1n })
 * ```
 */
export const nexusAccountKind: AccountKind = {
  id: 'nexus',
  name: 'Nexus',
  entryPoint: entryPoints['0.7'],
  nonceLayout: nexusNonceLayout,
  matchesAccountId: (id) => id.startsWith('biconomy.nexus'),
  ...standard,
  ...sentinelListUninstall,
};

/**
 * A Safe with Rhinestone's Safe7579 adapter (its ERC-4337 module and fallback handler). Validator ‖ 4-byte lane in the
 * nonce key (an op naming no installed validator is checked against the Safe's owners); EntryPoint v0.7, whose
 * address the adapter has in its code.
 *
 * @example
 * ```ts
 * const account = await toErc7579SmartAccount({ client, address: safe, kind: safe7579AccountKind, signer, addresses })
 * ```
 */
export const safe7579AccountKind: AccountKind = {
  id: 'safe7579',
  name: 'Safe + Safe7579',
  entryPoint: entryPoints['0.7'],
  nonceLayout: openZeppelinNonceLayout,
  matchesAccountId: (id) => id.startsWith('rhinestone.safe7579'),
  ...standard,
  ...sentinelListUninstall,
};

/**
 * The ERC-7579 reference implementation (Rhinestone's MSA). Validator ‖ 4-byte lane; EntryPoint v0.7 (in its code).
 *
 * @example
 * ```ts
 * const account = await toErc7579SmartAccount({ client, address, kind: msaAccountKind, signer, addresses })
 * ```
 */
export const msaAccountKind: AccountKind = {
  id: 'msa',
  name: 'ERC-7579 reference (MSA)',
  entryPoint: entryPoints['0.7'],
  nonceLayout: openZeppelinNonceLayout,
  matchesAccountId: (id) => id.startsWith('uMSA') || id.startsWith('rhinestone.msa'),
  ...standard,
  ...sentinelListUninstall,
};

/**
 * An EOA delegated with EIP-7702 to Leash's ERC-7579 implementation (OpenZeppelin AccountERC7579 with the EIP-7702
 * signer): the EOA's key is the owner, the account's address is the EOA's. EntryPoint v0.8.
 *
 * @example
 * ```ts
 * const kind = await detectAccountKind(publicClient, eoa) // eip7702AccountKind once delegated
 * ```
 */
export const eip7702AccountKind: AccountKind = {
  id: 'eip7702',
  name: 'EIP-7702 EOA',
  entryPoint: entryPoints['0.8'],
  nonceLayout: openZeppelinNonceLayout,
  matchesAccountId: (id) => id.startsWith('leash.eip7702'),
  ...standard,
};

/**
 * Every account kind the SDK knows, in the order {@link detectAccountKind} tries them.
 *
 * @example
 * ```ts
 * for (const kind of accountKinds) console.log(kind.id, kind.name, kind.entryPoint.version)
 * ```
 */
export const accountKinds: readonly AccountKind[] = [
  leashAccountKind,
  eip7702AccountKind,
  kernelAccountKind,
  nexusAccountKind,
  safe7579AccountKind,
  msaAccountKind,
  openZeppelinAccountKind,
];

const accountIdAbi = [
  { type: 'function', name: 'accountId', stateMutability: 'view', inputs: [], outputs: [{ type: 'string' }] },
] as const;

/**
 * Thrown when an address holds no account the SDK knows.
 *
 * @example
 * ```ts
 * try {
 *   await detectAccountKind(publicClient, address)
 * } catch (error) {
 *   if (error instanceof UnknownAccountKindError) console.log(error.accountId)
 * }
 * ```
 */
export class UnknownAccountKindError extends LeashError {
  override name = 'UnknownAccountKindError';
  readonly accountId: string | undefined;
  constructor(address: Address, accountId: string | undefined, details: string) {
    super(`The account at ${address} is not one the SDK knows${accountId ? ` (accountId "${accountId}")` : ''}.`, { details });
    this.accountId = accountId;
  }
}

/**
 * Which kind of ERC-7579 account lives at `address`, from its ERC-7579 `accountId()` (an EIP-7702 EOA answers through
 * its delegation). Also returns the id string and, for a delegated EOA, the implementation it delegates to.
 *
 * @example
 * ```ts
 * const { kind, accountId } = await detectAccountKind(publicClient, '0x…')
 * console.log(kind.name, kind.entryPoint.version) // 'Kernel v3.1', '0.7'
 * ```
 */
export async function detectAccountKind(
  client: Client,
  address: Address,
): Promise<{ kind: AccountKind; accountId: string; delegation?: Address | undefined }> {
  const code = await getCode(client, { address });
  if (!code) throw new UnknownAccountKindError(address, undefined, 'No code at that address: deploy the account (or delegate the EOA) first.');
  const delegation = code.startsWith('0xef0100') && code.length === 2 + 23 * 2 ? getAddress(`0x${code.slice(8)}`) : undefined;
  let accountId: string;
  try {
    accountId = await readContract(client, { address, abi: accountIdAbi, functionName: 'accountId' });
  } catch (cause) {
    throw new UnknownAccountKindError(address, undefined, `It does not answer ERC-7579 accountId(): ${(cause as Error).message.split('\n')[0]}`);
  }
  const kind = accountKinds.find((k) => k.matchesAccountId(accountId));
  if (!kind) throw new UnknownAccountKindError(address, accountId, `Known kinds: ${accountKinds.map((k) => k.name).join(', ')}.`);
  return { kind, accountId, ...(delegation ? { delegation } : {}) };
}

