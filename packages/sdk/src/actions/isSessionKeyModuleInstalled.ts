import type { Address } from 'viem';
import { getCode, readContract } from 'viem/actions';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { moduleTypeValidator } from '../constants.js';
import { leashAccountAbi } from '../generated/LeashAccount.js';
import { moduleOf } from './internal/module.js';

/**
 * Parameters of {@link isSessionKeyModuleInstalled}.
 *
 * @example
 * ```ts
 * const installed = await client.isSessionKeyModuleInstalled({ account: otherAccount })
 * ```
 */
export type IsSessionKeyModuleInstalledParameters = {
  /** The account to ask about; the client's account by default. */
  account?: Address | undefined;
};

/**
 * Whether the session key module is installed on the account. An account that is not deployed yet has no modules.
 *
 * @example
 * ```ts
 * if (!(await isSessionKeyModuleInstalled(client))) await installSessionKeyModule(client, {})
 * ```
 */
export async function isSessionKeyModuleInstalled(
  client: LeashAccountClient,
  parameters: IsSessionKeyModuleInstalledParameters = {},
): Promise<boolean> {
  const account = parameters.account ?? client.account.address;
  if (!(await getCode(client.client, { address: account }))) return false;
  return readContract(client.client, {
    address: account,
    abi: leashAccountAbi,
    functionName: 'isModuleInstalled',
    args: [moduleTypeValidator, moduleOf(client), '0x'],
  });
}
