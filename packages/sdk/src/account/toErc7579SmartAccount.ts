import type { Address, LocalAccount } from 'viem';
import { type SmartAccount, type SmartAccountImplementation, entryPoint08Abi, getUserOperationTypedData, toSmartAccount } from 'viem/account-abstraction';
import { readContract } from 'viem/actions';
import { entryPointAddress } from '../constants.js';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { secp256k1KeyType } from '../keys/secp256k1.js';
import { toSessionKeyValidator } from '../session/toSessionKeyValidator.js';
import type { SessionKeyAccountCapability, UserOperationValidator } from './capability.js';
import {
  type NonceKeyLayout,
  encodeErc7579InstallValidator,
  encodeErc7579UninstallValidator,
  isErc7579ValidatorInstalled,
  openZeppelinNonceLayout,
} from './erc7579.js';
import { decodeExecute, encodeExecute } from './execution.js';
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
  /** How the account's nonce key names a validator and a lane; OpenZeppelin's by default. */
  nonceLayout?: NonceKeyLayout | undefined;
  /** The owner's validator module and the key that signs for it: owner ops are routed to that module. */
  owner?: { validator: Address; signer: LocalAccount } | undefined;
  /** A session key: the account's ops are then signed by it and checked by the session key module. */
  signer?: SessionKeySignerLike | undefined;
  /** Where the session key module and its lens are. */
  addresses: Pick<LeashAddresses, 'sessionKeyModule' | 'sessionKeyLens'>;
  /** A name for messages. Default `ERC-7579`. */
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
  SmartAccountImplementation<typeof entryPoint08Abi, '0.8', { sessionKeys: SessionKeyAccountCapability; validator: UserOperationValidator }>
>;


/**
 * A viem SmartAccount for an already deployed ERC-7579 account built on OpenZeppelin's AccountERC7579 (or any account
 * with the standard `execute`, `installModule` and `isModuleInstalled`), whose owner is a validator module, and whose
 * nonce key names the validator as `nonceLayout` says. Its `sessionKeys` capability lets every session key action run
 * on it: the Leash account is one implementation of that seam, this is another.
 *
 * @example
 * ```ts
 * const owner = (await toErc7579SmartAccount({ client, address, nonceLayout: kernelNonceLayout, owner: { validator, signer: ownerKey }, addresses }))
 * const ownerClient = createBundlerClient({ account: owner, client, transport: http(bundlerUrl) }).extend(sessionKeyActions())
 * await ownerClient.installSessionKeyModule({ keys: [key], permissions: [builder.encode()] })
 * ```
 */
export async function toErc7579SmartAccount(parameters: ToErc7579SmartAccountParameters): Promise<Erc7579SmartAccount> {
  const { client, address, nonceLayout = openZeppelinNonceLayout, owner, signer, addresses, accountType = 'ERC-7579' } = parameters;
  if (!owner && !signer) throw new LeashError('An ERC-7579 account client needs its owner (validator and key) or a session key.');
  const validator: UserOperationValidator = signer
    ? toSessionKeyValidator({ signer, sessionKeyModule: addresses.sessionKeyModule })
    : {
        module: owner!.validator,
        // An ECDSA signature that recovers to no owner: it prices validation like a real one.
        getStubSignature: async () => secp256k1KeyType.stubSignature,
        // EntryPoint v0.8's userOpHash is the EIP-712 digest of the op: the owner signs it as typed data.
        signUserOperation: async ({ typedData }) => owner!.signer.signTypedData(typedData),
      };
  const sessionKeys: SessionKeyAccountCapability = {
    accountType,
    sessionKeyModule: addresses.sessionKeyModule,
    sessionKeyLens: addresses.sessionKeyLens,
    ...nonceLayout,
    encodeExecute,
    encodeInstallValidator: (p) => encodeErc7579InstallValidator(address, p),
    encodeUninstallValidator: (p) => encodeErc7579UninstallValidator(address, p),
    isValidatorInstalled: (chainClient, module) => isErc7579ValidatorInstalled(chainClient, address, module),
    sessionKeySigner: signer,
  };
  const unsupported = (what: string) => async (): Promise<never> => {
    throw new LeashError(`This ${accountType} account client cannot ${what}.`);
  };
  return toSmartAccount({
    client,
    entryPoint: { abi: entryPoint08Abi, address: entryPointAddress, version: '0.8' },
    extend: { sessionKeys, validator },
    ...(parameters.estimateGas ? { userOperation: { estimateGas: parameters.estimateGas } } : {}),
    getAddress: async () => address,
    getFactoryArgs: async () => ({ factory: undefined, factoryData: undefined }),
    encodeCalls: async (calls) => encodeExecute(calls),
    decodeCalls: async (data) => decodeExecute(data),
    // viem's "key" is the lane; the layout puts it beside the validator in the EntryPoint nonce key.
    nonceKeyManager: { consume: async () => 0, get: async () => 0, increment: () => {}, reset: () => {} },
    async getNonce(args) {
      const key = nonceLayout.getNonceKey({ validator: validator.module!, lane: args?.key ?? 0n });
      return readContract(client, { address: entryPointAddress, abi: entryPoint08Abi, functionName: 'getNonce', args: [address, key] });
    },
    getStubSignature: async (userOperation) => validator.getStubSignature(userOperation ?? {}),
    signMessage: unsupported('sign messages'),
    signTypedData: unsupported('sign typed data'),
    async signUserOperation(userOperation) {
      const { chainId = client.chain.id, ...rest } = userOperation;
      const full = { ...rest, sender: address } as Parameters<UserOperationValidator['signUserOperation']>[0]['userOperation'];
      const typedData = getUserOperationTypedData({ chainId, entryPointAddress, userOperation: full });
      return validator.signUserOperation({ userOperation: full, chainId, typedData });
    },
  }) as Promise<Erc7579SmartAccount>;
}
