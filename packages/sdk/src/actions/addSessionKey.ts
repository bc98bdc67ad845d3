import type { Address, Hex } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { moduleCall } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';
import { toTag } from './internal/tag.js';

/**
 * Parameters of {@link addSessionKey}.
 *
 * @example
 * ```ts
 * const parameters: AddSessionKeyParameters = { key: await signer.getAddress(), tag: 'checkout', permissions: builder.encode() }
 * await client.addSessionKey(parameters)
 * ```
 */
export type AddSessionKeyParameters = {
  /** The session key's address (`await signer.getAddress()`). */
  key: Address;
  /** A label: a 32-byte hex, or text of up to 31 bytes. */
  tag?: Hex | string | undefined;
  /** Encoded permission updates (`SessionKeyPermissionsBuilder.encode()`); with none the key can do nothing. */
  permissions: Hex[];
};

/**
 * Adds a session key with its permissions, in one owner-signed user op.
 *
 * @example
 * ```ts
 * const permissions = new SessionKeyPermissionsBuilder()
 *   .addContractAddressAccessEntry({ contractAddress: usdc, isOnList: true, checkSelectors: false })
 *   .addErc20TokenSpendLimit({ tokenAddress: usdc, spendLimit: parseUnits('100', 6), refreshInterval: WEEK })
 *   .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
 * await addSessionKey(client, { key, tag: 'my-app', permissions: permissions.encode() })
 * ```
 */
export async function addSessionKey(client: SessionKeyClient, parameters: AddSessionKeyParameters): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [
    moduleCall(client, 'addSessionKey', [parameters.key, toTag(parameters.tag), parameters.permissions]),
  ]);
}
