import { type Address, getAddress } from 'viem';
import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { readSessionKeyFromLens } from '../lens/readLens.js';
import { toSessionKeyState } from '../lens/toSessionKeyState.js';
import type { SessionKeyState } from '../permissions/state.js';

export type { SessionKeyState, SpendLimitStatus } from '../permissions/state.js';

/**
 * Parameters of {@link getSessionKeyPermissions}.
 *
 * @example
 * ```ts
 * const state = await client.getSessionKeyPermissions({ key, account: otherAccount })
 * ```
 */
export type GetSessionKeyPermissionsParameters = {
  key: Address;
  /** The account; the client's account by default. */
  account?: Address | undefined;
};

/**
 * A session key's permissions as they stand on-chain, decoded, with the used and remaining budget of every limit
 * (spend limits and the call count) and when it refreshes. One `eth_call` to the session key lens: no event logs, so
 * it works on any RPC.
 *
 * @example
 * ```ts
 * const state = await getSessionKeyPermissions(client, { key })
 * state.spending.erc20[0].status.remaining // 60_000_000n
 * describePermissions(state.permissions)   // ['May call only: …', …]
 * ```
 */
export async function getSessionKeyPermissions(
  client: SessionKeyClient,
  parameters: GetSessionKeyPermissionsParameters,
): Promise<SessionKeyState> {
  const account = parameters.account ?? client.account!.address;
  const key = getAddress(parameters.key);
  capabilityOf(client);
  const lens = await readSessionKeyFromLens(client, { account, key });
  if (!lens) throw new LeashError(`${key} is not a session key of ${account}.`);
  return toSessionKeyState(lens);
}
