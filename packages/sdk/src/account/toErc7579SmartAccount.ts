import { type Address, type LocalAccount, concat } from 'viem';
import { type SmartAccount, type SmartAccountImplementation, entryPoint07Abi, entryPoint08Abi, getUserOperationTypedData, toSmartAccount } from 'viem/account-abstraction';
import { readContract } from 'viem/actions';
import type { LeashEntryPoint } from '../constants.js';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';
import { toSessionKeyValidator } from '../session/toSessionKeyValidator.js';
import type { SessionKeyAccountCapability, UserOperationValidator } from './capability.js';
import type { NonceKeyLayout } from './erc7579.js';
import { decodeExecute, encodeExecute } from './execution.js';
import { type AccountKind, openZeppelinAccountKind } from './kinds/accountKind.js';
import { signWithValidator } from './signWithValidator.js';
import type { LeashChainClient } from './toLeashSmartAccount.js';

/**
 * Parameters of {@link toErc7579SmartAccount}.
 *
 * @example
 * ```ts
 * const parameters: ToErc7579SmartAccountParameters = {
 *   client: publicClient,
 *   address: account,
 *   nonceLayout: kernelNonceLayout,
 *   owner: { validator: ownerValidator, signer: privateKeyToAccount(ownerKey) },
 *   addresses: getLeashAddresses(),
 * }
 * ```
 */
export type ToErc7579SmartAccountParameters = {
  /** Client of the chain the account lives on. */
  client: LeashChainClient;
  /** The deployed account. */
  address: Address;
  /**
   * The kind of account (Kernel, Nexus, Safe7579, MSA, OpenZeppelin, …): its nonce-key layout, validator install and
   * uninstall, and the EntryPoint it is built for. OpenZeppelin AccountERC7579 by default; {@link detectAccountKind}
   * finds it from the account.
   */
  kind?: AccountKind | undefined;
  /** How the account's nonce key names a validator and a lane, instead of the kind's. */
  nonceLayout?: NonceKeyLayout | undefined;
  /** The EntryPoint the account's ops go to, instead of the kind's. */
  entryPoint?: LeashEntryPoint | undefined;
  /** The owner's validator module and the key that signs for it: owner ops are routed to that module. */
  owner?: { validator: Address; signer: LocalAccount } | undefined;
  /** A session key: the account's ops are then signed by it and checked by the session key module. */
  signer?: SessionKeySignerLike | undefined;
  /** Where the session key module and its lens are. */
  addresses: Pick<LeashAddresses, 'sessionKeyModule' | 'sessionKeyLens'>;
  /** A name for messages. Default: the kind's name. */
  accountType?: string | undefined;
  /** Gas estimation to use instead of the bundler client's (viem's `userOperation.estimateGas` hook). */
  estimateGas?: NonNullable<SmartAccountImplementation['userOperation']>['estimateGas'] | undefined;
};

/**
 * A viem SmartAccount with the session key capability (`sessionKeys`).
 *
 * @example
 * ```ts
 * const account: Erc7579SmartAccount = await toErc7579SmartAccount({ client, address, owner, addresses })
 * ```
 */
export type Erc7579SmartAccount = SmartAccount<
  SmartAccountImplementation<
    typeof entryPoint08Abi,
    '0.8',
    { sessionKeys: SessionKeyAccountCapability; validator: UserOperationValidator; kind: AccountKind }
  >
>;


/**
 * A viem SmartAccount for an already deployed ERC-7579 account of a known kind (Kernel, Nexus, Safe7579, the reference
 * MSA, an OpenZeppelin AccountERC7579, an EIP-7702 EOA) with the standard `execute`: as a session key client (`signer`)
 * or, for accounts whose owner is a validator module, as the owner (`owner`). Its `sessionKeys` capability lets every
 * session key action run on it: the kind gives the nonce-key layout, the validator install and the EntryPoint. For
 * an owner side built elsewhere (permissionless' Kernel, Nexus and Safe accounts) see {@link withSessionKeyCapability}.
 *
 * @example
 * ```ts
 * const owner = (await toErc7579SmartAccount({ client, address, nonceLayout: kernelNonceLayout, owner: { validator, signer: ownerKey }, addresses }))
 * const ownerClient = createBundlerClient({ account: owner, client, transport: http(bundlerUrl) }).extend(sessionKeyActions())
 * await ownerClient.installSessionKeyModule({ keys: [key], permissions: [builder.encode()] })
 * ```
 */
export async function toErc7579SmartAccount(parameters: ToErc7579SmartAccountParameters): Promise<Erc7579SmartAccount> {
  const { client, address, kind = openZeppelinAccountKind, owner, signer, addresses } = parameters;
  const { nonceLayout = kind.nonceLayout, entryPoint = kind.entryPoint, accountType = kind.name } = parameters;
  if (!owner && !signer) throw new LeashError('An ERC-7579 account client needs its owner (validator and key) or a session key.');
  const validator: UserOperationValidator = signer
    ? toSessionKeyValidator({ signer, sessionKeyModule: addresses.sessionKeyModule })
    : {
        module: owner!.validator,
        // An ECDSA signature that recovers to no owner: it prices validation like a real one.
        getStubSignature: async () => secp256k1KeyType.stubSignature,
        // EntryPoint v0.8's userOpHash is the EIP-712 digest of the op: the owner signs it as typed data; v0.7's is a
        // plain hash, signed as it is.
        signUserOperation: async ({ typedData, userOpHash }) =>
          typedData ? owner!.signer.signTypedData(typedData) : owner!.signer.sign!({ hash: userOpHash }),
      };
  const sessionKeys: SessionKeyAccountCapability = {
    accountType,
    entryPoint,
    sessionKeyModule: addresses.sessionKeyModule,
    sessionKeyLens: addresses.sessionKeyLens,
    getNonceKey: nonceLayout.getNonceKey,
    maxNonceLane: nonceLayout.maxNonceLane,
    encodeExecute,
    encodeInstallValidator: (p) => kind.encodeInstallValidator(address, p),
    encodeUninstallValidator: (p) => kind.encodeUninstallValidator(client, address, p),
    isValidatorInstalled: (chainClient, module) => kind.isValidatorInstalled(chainClient, address, module),
    sessionKeySigner: signer,
    // OpenZeppelin's AccountERC7579 routes ERC-1271 to the validator named in the signature's first 20 bytes.
    signOwnerTypedData: owner ? async (typedData) => concat([owner.validator, await owner.signer.signTypedData(typedData)]) : undefined,
    ownerSignatureBindsChain: false,
  };
  const unsupported = (what: string) => async (): Promise<never> => {
    throw new LeashError(`This ${accountType} account client cannot ${what}.`);
  };
  // viem's SmartAccount is typed per EntryPoint version; v0.7 and v0.8 ops have the same fields, so one type serves both.
  const viemEntryPoint = (
    entryPoint.version === '0.7'
      ? { abi: entryPoint07Abi, address: entryPoint.address, version: '0.7' }
      : { abi: entryPoint08Abi, address: entryPoint.address, version: '0.8' }
  ) as { abi: typeof entryPoint08Abi; address: Address; version: '0.8' };
  return toSmartAccount({
    client,
    entryPoint: viemEntryPoint,
    extend: { sessionKeys, validator, kind },
    ...(parameters.estimateGas ? { userOperation: { estimateGas: parameters.estimateGas } } : {}),
    getAddress: async () => address,
    getFactoryArgs: async () => ({ factory: undefined, factoryData: undefined }),
    encodeCalls: async (calls) => encodeExecute(calls),
    decodeCalls: async (data) => decodeExecute(data),
    // viem's "key" is the lane; the layout puts it beside the validator in the EntryPoint nonce key.
    nonceKeyManager: { consume: async () => 0, get: async () => 0, increment: () => {}, reset: () => {} },
    async getNonce(args) {
      const key = nonceLayout.getNonceKey({ validator: validator.module!, lane: args?.key ?? 0n });
      return readContract(client, { address: entryPoint.address, abi: entryPoint08Abi, functionName: 'getNonce', args: [address, key] });
    },
    getStubSignature: async (userOperation) => validator.getStubSignature(userOperation ?? {}),
    signMessage: unsupported('sign messages'),
    signTypedData: unsupported('sign typed data'),
    async signUserOperation(userOperation) {
      const { chainId = client.chain.id, ...rest } = userOperation;
      return signWithValidator(validator, rest, { chainId, entryPoint, sender: address });
    },
  }) as Promise<Erc7579SmartAccount>;
}
