import {
  type Account,
  type Address,
  type Chain,
  type Client,
  type Hex,
  type JsonRpcAccount,
  type LocalAccount,
  type NonceManager,
  type Transport,
  type TypedDataDefinition,
  encodeAbiParameters,
  encodeFunctionData,
  getContractAddress,
  keccak256,
  zeroAddress,
} from 'viem';
import {
  type SmartAccount,
  type SmartAccountImplementation,
  entryPoint08Abi,
  toSmartAccount,
} from 'viem/account-abstraction';
import { getCode, readContract, signTypedData } from 'viem/actions';
import { signMessage as signMessage7739, signTypedData as signTypedData7739 } from 'viem/experimental/erc7739';
import { entryPointAddress, entryPoints } from '../constants.js';
import { signWithValidator } from './signWithValidator.js';
import { LeashError } from '../errors/LeashError.js';
import { type LeashAddresses, getLeashAddresses } from '../deploy/addresses.js';
import { leashAccountAbi } from '../generated/LeashAccount.js';
import { leashAccountFactoryAbi } from '../generated/LeashAccountFactory.js';
import { type SessionKeyValidator, toSessionKeyValidator } from '../session/toSessionKeyValidator.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import type { SessionKeyAccountCapability, UserOperationValidator } from './capability.js';
import {
  encodeErc7579InstallValidator,
  encodeErc7579UninstallValidator,
  isErc7579ValidatorInstalled,
  openZeppelinNonceLayout,
} from './erc7579.js';
import { cloneInitCode, decodeExecute, encodeExecute } from './execution.js';

/**
 * Who signs the account's user operations. The owner's validator is built in; the session key module provides
 * another (see `toSessionKeyValidator`).
 *
 * @example
 * ```ts
 * const validator: LeashValidator = toSessionKeyValidator({ signer: new SessionKeySigner() })
 * const account = await toLeashSmartAccount({ client, address, validator })
 * ```
 */
export type LeashValidator = UserOperationValidator;

/** A client of the chain the account lives on (public or wallet client). */
export type LeashChainClient = Client<Transport, Chain, JsonRpcAccount | LocalAccount | undefined>;

/**
 * Parameters of {@link toLeashSmartAccount}.
 *
 * @example
 * ```ts
 * const parameters: ToLeashSmartAccountParameters = { client: publicClient, owner: privateKeyToAccount(ownerKey), salt: 1n }
 * const account = await toLeashSmartAccount(parameters)
 * ```
 */
export type ToLeashSmartAccountParameters = {
  /** Client of the chain the account lives on. */
  client: LeashChainClient;
  /**
   * The account's ECDSA owner: a local account, or a JSON-RPC account (injected wallet) on `client`. Needed to deploy
   * the account and to sign messages; a session key client may leave it out and give `address` instead.
   */
  owner?: Account | undefined;
  /** Salt, to give one owner several accounts. Default 0. */
  salt?: bigint | undefined;
  /** Use an existing account at this address instead of the owner's counterfactual one. */
  address?: Address | undefined;
  /** Where the Leash contracts are; defaults to the canonical addresses. */
  addresses?: LeashAddresses | undefined;
  /** Who signs user operations; defaults to the session key `signer` if given, else the owner. */
  validator?: LeashValidator | undefined;
  /** A session key: the account's ops are then signed by it and checked by the session key module. */
  signer?: SessionKeySignerLike | undefined;
  /** Gas estimation to use instead of the bundler client's (viem's `userOperation.estimateGas` hook). */
  estimateGas?: NonNullable<SmartAccountImplementation['userOperation']>['estimateGas'] | undefined;
};

/**
 * What a {@link LeashSmartAccount} adds to viem's SmartAccount: the account ABI, owner, Leash addresses and validator.
 *
 * @example
 * ```ts
 * const account: SmartAccount<LeashSmartAccountImplementation> = await toLeashSmartAccount({ client, owner }) // a LeashSmartAccount
 * account.addresses.sessionKeyModule
 * ```
 */
export type LeashSmartAccountImplementation = SmartAccountImplementation<
  typeof entryPoint08Abi,
  '0.8',
  {
    abi: typeof leashAccountAbi;
    owner: Account | undefined;
    addresses: LeashAddresses;
    validator: LeashValidator;
    /** What the session key actions need to know about this account. */
    sessionKeys: SessionKeyAccountCapability;
  }
>;

/**
 * A viem SmartAccount for the Leash reference account.
 *
 * @example
 * ```ts
 * const account: LeashSmartAccount = await toLeashSmartAccount({ client: publicClient, owner })
 * const bundler = createBundlerClient({ account, client: publicClient, transport: http(bundlerUrl) })
 * ```
 */
export type LeashSmartAccount = SmartAccount<LeashSmartAccountImplementation>;

// Any 65-byte ECDSA signature the owner check rejects without reverting: it prices validation like a real one.
const ownerStubSignature: Hex =
  '0xfffffffffffffffffffffffffffffff0000000000000000000000000000000007aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1c';

/**
 * The owner as validator: signs the EIP-712 user operation hash of EntryPoint v0.8 (no EIP-191 prefix), through
 * `signTypedData` so injected wallets show what they sign.
 *
 * @example
 * ```ts
 * const validator = toOwnerValidator({ client, owner })
 * ```
 */
export function toOwnerValidator(parameters: { client: LeashChainClient; owner: Account }): LeashValidator {
  const { client, owner } = parameters;
  return {
    async getStubSignature() {
      return ownerStubSignature;
    },
    async signUserOperation({ typedData }) {
      if (!typedData) throw new LeashError('The Leash account is built for EntryPoint v0.8: its owner signs the op as EIP-712 typed data.');
      if (owner.type === 'local') return (owner as LocalAccount).signTypedData(typedData);
      return signTypedData(client, { account: owner, ...typedData });
    },
  };
}

/**
 * Creates a viem SmartAccount for the Leash reference account (OpenZeppelin AccountERC7579 with an ECDSA owner,
 * EntryPoint v0.8). The address is computed off-chain; the first user operation deploys the account.
 *
 * @example
 * ```ts
 * const account = await toLeashSmartAccount({ client: publicClient, owner: privateKeyToAccount(key) })
 * const bundler = createBundlerClient({ account, client: publicClient, transport: http(bundlerUrl) })
 * await bundler.sendUserOperation({ calls: [{ to: recipient, value: parseEther('0.1') }] })
 * ```
 */
export async function toLeashSmartAccount(parameters: ToLeashSmartAccountParameters): Promise<LeashSmartAccount> {
  const { client, owner, salt = 0n, addresses = getLeashAddresses() } = parameters;
  if (!owner && !parameters.address) throw new LeashError('A Leash account needs its owner or its address.');
  if (!owner && !parameters.validator && !parameters.signer)
    throw new LeashError('Without the owner, give the validator that signs (e.g. a session key).');
  const validator =
    parameters.validator ??
    (parameters.signer
      ? toSessionKeyValidator({ signer: parameters.signer, sessionKeyModule: addresses.sessionKeyModule })
      : toOwnerValidator({ client, owner: owner! }));
  const address = parameters.address ?? getLeashAccountAddress({ owner: owner!.address, salt, addresses });
  // Only the owner's account can be deployed: its address commits to the owner.
  const factoryArgs = owner
    ? {
        factory: addresses.accountFactory,
        factoryData: encodeFunctionData({ abi: leashAccountFactoryAbi, functionName: 'createAccount', args: [owner.address, salt] }),
      }
    : { factory: undefined, factoryData: undefined };
  const requireOwner = (what: string) => {
    if (!owner) throw new LeashError(`Only the account's owner can ${what}; this client has none (session keys never sign for the account).`);
    return owner;
  };
  // ERC-7739 reads the verifier's EIP-712 domain; an undeployed account answers through its factory call.
  const deploymentArgs = async () => ((await getCode(client, { address })) ? {} : factoryArgs);

  return toSmartAccount({
    client,
    entryPoint: { abi: entryPoint08Abi, address: entryPointAddress, version: '0.8' },
    extend: {
      abi: leashAccountAbi,
      owner,
      addresses,
      validator,
      sessionKeys: {
        accountType: 'Leash',
        entryPoint: entryPoints['0.8'],
        sessionKeyModule: addresses.sessionKeyModule,
        sessionKeyLens: addresses.sessionKeyLens,
        ...openZeppelinNonceLayout,
        encodeExecute: encodeExecute,
        encodeInstallValidator: (p) => encodeErc7579InstallValidator(address, p),
        encodeUninstallValidator: (p) => encodeErc7579UninstallValidator(address, p),
        isValidatorInstalled: (chainClient, module) => isErc7579ValidatorInstalled(chainClient, address, module),
        sessionKeySigner: parameters.validator ? (parameters.validator as Partial<SessionKeyValidator>).signer : parameters.signer,
        // The account takes a plain owner signature from a validator installed on it (the session key module checking a
        // grant): the grant's digest names the account, so it cannot serve another one, and it names no chain.
        signOwnerTypedData: owner
          ? async (typedData) =>
              owner.type === 'local' ? (owner as LocalAccount).signTypedData(typedData) : signTypedData(client, { account: owner, ...typedData })
          : undefined,
        ownerSignatureBindsChain: false,
      } satisfies SessionKeyAccountCapability,
    },
    ...(parameters.estimateGas ? { userOperation: { estimateGas: parameters.estimateGas } } : {}),
    async getAddress() {
      return address;
    },
    async getFactoryArgs() {
      return factoryArgs;
    },
    async encodeCalls(calls) {
      return encodeExecute(calls);
    },
    async decodeCalls(data) {
      return decodeExecute(data);
    },
    // viem hands getNonce a "key" from nonceKeyManager; for a Leash account it is the 4-byte lane inside the
    // validator's nonce space (the upper 20 bytes of the EntryPoint key name the validator module).
    nonceKeyManager: sequentialLanes,
    async getNonce(args) {
      const key = getNonceKey(validator, args?.key);
      return readContract(client, { address: entryPointAddress, abi: entryPoint08Abi, functionName: 'getNonce', args: [address, key] });
    },
    async getStubSignature(userOperation) {
      return validator.getStubSignature(userOperation ?? {});
    },
    async signMessage({ message }) {
      const account = requireOwner('sign messages');
      return signMessage7739(client, { account, message, verifier: address, ...(await deploymentArgs()) });
    },
    async signTypedData(typedData) {
      const { domain, types, primaryType, message } = typedData as TypedDataDefinition;
      return signTypedData7739(client, {
        account: requireOwner('sign typed data'),
        domain,
        types,
        primaryType,
        message,
        verifier: address,
        ...(await deploymentArgs()),
      });
    },
    async signUserOperation(userOperation) {
      const { chainId = client.chain.id, ...rest } = userOperation;
      return signWithValidator(validator, rest, { chainId, entryPoint: entryPoints['0.8'], sender: address });
    },
  }) as Promise<LeashSmartAccount>;
}

/**
 * Largest nonce lane: the lane is the 4 bytes of the EntryPoint nonce key after the validator's address.
 *
 * @example
 * ```ts
 * const lastLaneKey = getNonceKey({ module: sessionKeyModule }, maxNonceLane)
 * ```
 */
export const maxNonceLane = openZeppelinNonceLayout.maxNonceLane;

/**
 * The EntryPoint nonce key that routes a user operation to `validator`: module address ‖ 4-byte lane. The owner's
 * ops use the zero address. Lane 0 unless given: reusing one lane keeps nonces sequential and cheap (a new lane
 * costs about 20,000 gas more on first use); separate lanes let ops be pending at the same time.
 *
 * @example
 * ```ts
 * const key = getNonceKey({ module: sessionKeyModule, ...validator }, 3n)
 * ```
 */
export function getNonceKey(validator: Pick<LeashValidator, 'module'>, lane = 0n): bigint {
  return openZeppelinNonceLayout.getNonceKey({ validator: validator.module ?? zeroAddress, lane });
}

// viem's default key manager picks a new key (the time in ms) for every op, which would defeat the validator
// routing and pay for a fresh nonce slot each time. Leash uses lane 0 unless a caller asks for another.
const sequentialLanes: NonceManager = {
  consume: async () => 0,
  get: async () => 0,
  increment: () => {},
  reset: () => {},
};

/**
 * The counterfactual address of the Leash account of `owner` and `salt`, computed off-chain (no RPC call).
 *
 * @example
 * ```ts
 * const address = getLeashAccountAddress({ owner: '0x…' })
 * ```
 */
export function getLeashAccountAddress(parameters: {
  owner: Address;
  salt?: bigint | undefined;
  addresses?: LeashAddresses | undefined;
}): Address {
  const { owner, salt = 0n, addresses = getLeashAddresses() } = parameters;
  return getContractAddress({
    opcode: 'CREATE2',
    from: addresses.accountFactory,
    salt: keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [owner, salt])),
    bytecode: cloneInitCode(addresses.accountImplementation),
  });
}
