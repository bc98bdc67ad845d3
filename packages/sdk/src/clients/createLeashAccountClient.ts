import {
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  createPublicClient,
} from 'viem';
import { type BundlerClient, createBundlerClient } from 'viem/account-abstraction';
import type { LeashAddresses } from '../deploy/addresses.js';
import {
  type LeashSmartAccount,
  type LeashValidator,
  toLeashSmartAccount,
} from '../account/toLeashSmartAccount.js';

/** Parameters of {@link createLeashAccountClient}. */
export type CreateLeashAccountClientParameters = {
  /** The chain. */
  chain: Chain;
  /** Transport to the chain's RPC node. */
  transport: Transport;
  /** Transport to an ERC-4337 bundler serving EntryPoint v0.8. */
  bundlerTransport: Transport;
  /** The account's ECDSA owner: a local account or an injected wallet's JSON-RPC account. */
  owner: Account;
  /** An existing account's address; defaults to the owner's counterfactual account. */
  accountAddress?: Address | undefined;
  /** Salt of the counterfactual account. Default 0. */
  salt?: bigint | undefined;
  /** Where the Leash contracts are; the canonical addresses by default. */
  addresses?: LeashAddresses | undefined;
  /** Who signs user operations; the owner by default. */
  validator?: LeashValidator | undefined;
  /** How often to poll for receipts, in ms. Default 500 (a bundler client's default is 4 s). */
  pollingInterval?: number | undefined;
};

/** A viem bundler client whose account is a Leash account, with the chain's public client at `client`. */
export type LeashAccountClient = BundlerClient<Transport, Chain, LeashSmartAccount, PublicClient<Transport, Chain>>;

/**
 * Creates a bundler client for a Leash account: `sendUserOperation`, `waitForUserOperationReceipt` and every other
 * viem bundler action work on it, against any bundler URL.
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
  const { chain, transport, bundlerTransport, owner, pollingInterval = 500 } = parameters;
  const publicClient = createPublicClient({ chain, transport, pollingInterval });
  const account = await toLeashSmartAccount({
    client: publicClient,
    owner,
    address: parameters.accountAddress,
    salt: parameters.salt,
    addresses: parameters.addresses,
    validator: parameters.validator,
  });
  return createBundlerClient({
    account,
    chain,
    client: publicClient,
    transport: bundlerTransport,
    pollingInterval,
  }) as unknown as LeashAccountClient;
}
