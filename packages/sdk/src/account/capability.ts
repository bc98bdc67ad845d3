import type { Address, Chain, Client, Hex, PublicClient, Transport, TypedDataDefinition } from 'viem';
import type { BundlerActions, SmartAccount, UserOperation, getUserOperationTypedData } from 'viem/account-abstraction';
import type { LeashEntryPoint } from '../constants.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import type { Call } from './execution.js';

/**
 * Who signs an account's user operations: the owner, or a validator module such as the session key module.
 *
 * @example
 * ```ts
 * const validator: UserOperationValidator = toSessionKeyValidator({ signer: new SessionKeySigner() })
 * ```
 */
export type UserOperationValidator = {
  /** The validator module named in the nonce key; `undefined` for the account's built-in owner check. */
  module?: Address | undefined;
  /** A signature of the right shape for gas estimation. */
  getStubSignature(userOperation: Partial<UserOperation<'0.8'>>): Promise<Hex>;
  /** Signs a complete user operation. */
  signUserOperation(parameters: {
    userOperation: UserOperation<'0.8'>;
    chainId: number;
    /** The EntryPoint the op goes to. */
    entryPoint: LeashEntryPoint;
    /** The EntryPoint's hash of the op (for v0.8 the EIP-712 digest of `typedData`). */
    userOpHash: Hex;
    /** The op as EIP-712 typed data: EntryPoint v0.8 only. */
    typedData?: ReturnType<typeof getUserOperationTypedData> | undefined;
  }): Promise<Hex>;
};

/**
 * What the session key actions need to know about an ERC-7579 account, whatever its implementation: where the session
 * key module and its lens are, how the account's nonce key selects a validator and a lane, how it encodes `execute`,
 * how it installs a validator, and how its owner sends a management op. The Leash account is one implementation
 * ({@link toLeashSmartAccount}); {@link toErc7579SmartAccount} covers OpenZeppelin-style accounts with any owner
 * validator; Kernel, Nexus, Safe7579 and EIP-7702 accounts plug in the same way.
 *
 * @example
 * ```ts
 * const capability: SessionKeyAccountCapability = client.account.sessionKeys
 * const nonceKey = capability.getNonceKey({ validator: capability.sessionKeyModule, lane: 3n })
 * ```
 */
export type SessionKeyAccountCapability = {
  /** The kind of account, for messages: `Leash`, `OpenZeppelin AccountERC7579`, … */
  accountType: string;
  /** The EntryPoint the account's ops go to (v0.8 for the Leash account; v0.7 for Safe7579 and the reference MSA). */
  entryPoint: LeashEntryPoint;
  /** The session key module (an ERC-7579 validator) the account uses. */
  sessionKeyModule: Address;
  /** The lens that reads the module's state in one call; undefined where none is deployed. */
  sessionKeyLens: Address | undefined;
  /** The EntryPoint nonce key (192 bits) that routes an op to `validator` on nonce lane `lane`. */
  getNonceKey(parameters: { validator: Address; lane: bigint }): bigint;
  /** The largest lane the nonce key layout has room for. */
  maxNonceLane: bigint;
  /** The account's `execute` for these calls (ERC-7579 single or batch, default exec type). */
  encodeExecute(calls: readonly Call[]): Hex;
  /** The call the account makes to itself to install `module` as a validator with `initData` (in the account's layout). */
  encodeInstallValidator(parameters: { module: Address; initData: Hex }): Call;
  /** The call the account makes to itself to uninstall validator `module` (some accounts read their module list first). */
  encodeUninstallValidator(parameters: { module: Address; deInitData: Hex }): Call | Promise<Call>;
  /** Whether `module` is installed as a validator (false for an account not deployed yet). */
  isValidatorInstalled(client: Client, module: Address): Promise<boolean>;
  /** The session key that signs this client's ops; undefined when the owner signs. */
  sessionKeySigner: SessionKeySignerLike | undefined;
  /**
   * Signs typed data for the account the way its ERC-1271 `isValidSignature` accepts it when the session key module
   * asks (a session key grant); undefined when this client has no owner.
   */
  signOwnerTypedData?: ((typedData: TypedDataDefinition) => Promise<Hex>) | undefined;
  /** Whether that signature binds the chain it was made on (then one grant cannot hold on several chains). */
  ownerSignatureBindsChain?: boolean | undefined;
};

/**
 * A viem SmartAccount that carries a {@link SessionKeyAccountCapability} at `sessionKeys`.
 *
 * @example
 * ```ts
 * const account: SessionKeySmartAccount = await toLeashSmartAccount({ client, owner })
 * account.sessionKeys.sessionKeyModule
 * ```
 */
export type SessionKeySmartAccount = SmartAccount & { sessionKeys: SessionKeyAccountCapability };

/**
 * The client every session key action takes: a viem bundler client (extended or not) whose account has the session
 * key capability, with the chain's public client at `client`.
 *
 * @example
 * ```ts
 * async function keysOf(client: SessionKeyClient) {
 *   return getSessionKeys(client)
 * }
 * ```
 */
// biome-ignore lint: viem's Client is generic over its RPC schema and extensions; any bundler client qualifies.
export type SessionKeyClient = Client<Transport, Chain | undefined, SessionKeySmartAccount, any, any> &
  Pick<BundlerActions<SessionKeySmartAccount>, 'sendUserOperation' | 'waitForUserOperationReceipt' | 'prepareUserOperation'> & {
    /** The chain's public client (a bundler client's `client`, kept by `extend` at run time). */
    client?: Client | PublicClient | undefined;
  };

/** The client's account capability, or a clear error. */
export function capabilityOf(client: SessionKeyClient): SessionKeyAccountCapability {
  const capability = (client.account as Partial<SessionKeySmartAccount> | undefined)?.sessionKeys;
  if (!capability)
    throw new LeashError('This client\'s account has no session key capability.', {
      details: 'Create the account with toLeashSmartAccount or toErc7579SmartAccount (or give it a `sessionKeys` capability).',
    });
  return capability;
}

/** The chain's public client of a session key client, or a clear error. */
export function chainClientOf(client: SessionKeyClient): Client {
  if (!client.client) throw new LeashError('This bundler client has no public client (`client`) to read the chain with.');
  return client.client as Client;
}
