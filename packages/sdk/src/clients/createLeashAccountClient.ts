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
  estimateUserOperationGas,
} from 'viem/account-abstraction';
import { entryPointAddress } from '../constants.js';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import { estimateUserOperationFees } from './estimateUserOperationFees.js';
import { withPrefundGas } from './withPrefundGasEstimate.js';
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
      return withPrefundGas(publicClient, { ...request, ...gas } as never, entryPointAddress);
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

export { prefundGas } from './withPrefundGasEstimate.js';
