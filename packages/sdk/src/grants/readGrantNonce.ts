import type { Address, Client } from 'viem';
import { readContract } from 'viem/actions';
import { LeashError } from '../errors/LeashError.js';
import { sessionKeyLensAbi } from '../generated/ISessionKeyLens.js';

/**
 * A grant nonce's state on one chain, and the account's key generation there.
 *
 * @example
 * ```ts
 * const { generation, used, cancelled }: GrantNonceState = await readGrantNonce(publicClient, { lens, module, account, nonce })
 * ```
 */
export type GrantNonceState = { generation: number; used: boolean; cancelled: boolean };

/**
 * Reads a grant nonce through the session key lens (`getGrantNonce`, one `eth_call`): whether it was used or
 * cancelled on this account and chain, and the account's key generation (which a grant must name).
 *
 * @example
 * ```ts
 * const { generation } = await readGrantNonce(publicClient, { lens: addresses.sessionKeyLens, module: addresses.sessionKeyModule, account, nonce: 0n })
 * ```
 */
export async function readGrantNonce(
  client: Client,
  parameters: { lens: Address | undefined; module: Address; account: Address; nonce: bigint },
): Promise<GrantNonceState> {
  const { lens, module, account, nonce } = parameters;
  if (!lens) throw new LeashError('Reading a grant needs the session key lens; no lens address is known for this account.');
  const [generation, used, cancelled] = await readContract(client, {
    address: lens,
    abi: sessionKeyLensAbi,
    functionName: 'getGrantNonce',
    args: [module, account, nonce],
  });
  return { generation, used, cancelled };
}
