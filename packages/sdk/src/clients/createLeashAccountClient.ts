import {
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  createPublicClient,
} from 'viem';
import {
  type BundlerClient,
  createBundlerClient,
  entryPoint08Abi,
  estimateUserOperationGas,
} from 'viem/account-abstraction';
import { readContract } from 'viem/actions';
import { entryPointAddress } from '../constants.js';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import { estimateUserOperationFees } from './estimateUserOperationFees.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import {
  type LeashSmartAccount,
  type LeashValidator,
  toLeashSmartAccount,
} from '../account/toLeashSmartAccount.js';

/**
 * Parameters of {@link createLeashAccountClient}.
 *
 * @example
 * ```ts
 * const parameters: CreateLeashAccountClientParameters = {
 *   chain: base,
 *   transport: http(rpcUrl),
 *   bundlerTransport: http(bundlerUrl),
 *   signer: sessionKeySigner,
 *   accountAddress,
 * }
 * const sessionClient = await createLeashAccountClient(parameters)
 * ```
 */
export type CreateLeashAccountClientParameters = {
  /** The chain. */
  chain: Chain;
  /** Transport to the chain's RPC node. */
  transport: Transport;
  /** Transport to an ERC-4337 bundler serving EntryPoint v0.8. */
  bundlerTransport: Transport;
  /** The account's ECDSA owner: a local account or an injected wallet's JSON-RPC account. */
  owner?: Account | undefined;
  /** A session key: the client's ops are then signed by it and checked by the session key module. */
  signer?: SessionKeySignerLike | undefined;
  /** An existing account's address; defaults to the owner's counterfactual account. Required with `signer` alone. */
  accountAddress?: Address | undefined;
  /** Salt of the counterfactual account. Default 0. */
  salt?: bigint | undefined;
  /** Where the Leash contracts are; the canonical addresses by default. */
  addresses?: LeashAddresses | undefined;
  /** Who signs user operations: the session key if `signer` is given, else the owner. */
  validator?: LeashValidator | undefined;
  /** How often to poll for receipts, in ms. Default 500 (a bundler client's default is 4 s). */
  pollingInterval?: number | undefined;
};

/**
 * A viem bundler client whose account is a Leash account, with the chain's public client at `client`.
 *
 * @example
 * ```ts
 * const client: LeashAccountClient = await createLeashAccountClient({ chain, transport, bundlerTransport, owner })
 * await client.client.getBalance({ address: client.account.address }) // the chain's public client
 * ```
 */
export type LeashAccountClient = BundlerClient<Transport, Chain, LeashSmartAccount, PublicClient<Transport, Chain>>;

/**
 * Creates a bundler client for a Leash account: `sendUserOperation`, `waitForUserOperationReceipt` and every other
 * viem bundler action work on it, against any bundler URL.
 *
 * With `signer` (a session key) and `accountAddress`, the client's ops are signed by the session key and checked
 * against its permissions by the session key module.
 *
 * @example
 * ```ts
 * const client = await createLeashAccountClient({
 *   chain,
 *   transport: http(rpcUrl),
 *   bundlerTransport: http(bundlerUrl),
 *   owner: privateKeyToAccount(ownerKey),
 * })
 * const hash = await client.sendUserOperation({ calls: [{ to: recipient, value: parseEther('0.01') }] })
 * await client.waitForUserOperationReceipt({ hash })
 * ```
 */
export async function createLeashAccountClient(
  parameters: CreateLeashAccountClientParameters,
): Promise<LeashAccountClient> {
  const { chain, transport, bundlerTransport, owner, signer, pollingInterval = 500 } = parameters;
  if (!owner && !signer) throw new LeashError('createLeashAccountClient needs an owner or a session key signer.');
  if (!owner && !parameters.accountAddress)
    throw new LeashError('A session key client needs the account address (accountAddress).', {
      details: 'The account address commits to its owner, which a session key client does not know.',
    });
  const publicClient = createPublicClient({ chain, transport, pollingInterval });
  // The bundler's estimate, with the gas of the account's prefund payment added (see withPrefundGas).
  const estimator = createBundlerClient({ chain, client: publicClient, transport: bundlerTransport, pollingInterval });
  const account = await toLeashSmartAccount({
    client: publicClient,
    owner,
    address: parameters.accountAddress,
    salt: parameters.salt,
    addresses: parameters.addresses,
    validator: parameters.validator,
    signer,
    estimateGas: async (request) => {
      const gas = await estimateUserOperationGas(estimator, { ...request, entryPointAddress } as never);
      return withPrefundGas(publicClient, { ...request, ...gas } as never);
    },
  });
  return createBundlerClient({
    account,
    chain,
    client: publicClient,
    transport: bundlerTransport,
    pollingInterval,
    userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
  }) as unknown as LeashAccountClient;
}

/**
 * Bundlers estimate verification gas with the account's prefund already in the EntryPoint; when the account must
 * still pay it during validation (a value transfer to the EntryPoint and its deposit update), the op needs more. Adds
 * that gas when the account's deposit does not cover the op's maximum cost and no paymaster pays.
 */
type GasFields = {
  sender: Address;
  paymaster?: unknown;
  verificationGasLimit: bigint;
  callGasLimit: bigint;
  preVerificationGas: bigint;
  paymasterVerificationGasLimit?: bigint | undefined;
  paymasterPostOpGasLimit?: bigint | undefined;
  maxFeePerGas?: bigint | undefined;
};

async function withPrefundGas(publicClient: PublicClient, op: GasFields) {
  const gas = {
    verificationGasLimit: op.verificationGasLimit,
    callGasLimit: op.callGasLimit,
    preVerificationGas: op.preVerificationGas,
    paymasterVerificationGasLimit: op.paymasterVerificationGasLimit,
    paymasterPostOpGasLimit: op.paymasterPostOpGasLimit,
  };
  if (op.paymaster) return gas;
  const deposit = await readContract(publicClient, {
    address: entryPointAddress,
    abi: entryPoint08Abi,
    functionName: 'balanceOf',
    args: [op.sender],
  });
  // Measured on EntryPoint v0.8 through Alto's safe-mode simulation: an update of the deposit needs between 15,000
  // and 20,000 more verification gas, a first deposit (a zero slot written) about 20,000 more again; with margin.
  const extra = deposit === 0n ? prefundGas.firstDeposit : prefundGas.depositUpdate;
  const maxCost = (op.verificationGasLimit + extra + op.callGasLimit + op.preVerificationGas) * (op.maxFeePerGas ?? 0n);
  if (deposit >= maxCost) return gas;
  return { ...gas, verificationGasLimit: op.verificationGasLimit + extra };
}

/**
 * Verification gas the account's prefund payment costs during validation, beyond what bundlers estimate. The SDK
 * adds it when the account's EntryPoint deposit does not cover the op; an op signed ahead of time, to be sent after
 * the deposit has changed, should carry it whatever the deposit is now.
 *
 * @example
 * ```ts
 * const op = await client.prepareUserOperation({ calls })
 * const signedLater = { ...op, verificationGasLimit: op.verificationGasLimit + prefundGas.depositUpdate }
 * ```
 */
export const prefundGas = { firstDeposit: 45_000n, depositUpdate: 25_000n } as const;
