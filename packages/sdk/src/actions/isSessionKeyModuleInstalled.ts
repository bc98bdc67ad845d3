import type { Address } from 'viem';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { isErc7579ValidatorInstalled } from '../account/erc7579.js';

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
  client: SessionKeyClient,
  parameters: IsSessionKeyModuleInstalledParameters = {},
): Promise<boolean> {
  const capability = capabilityOf(client);
  if (parameters.account !== undefined && parameters.account.toLowerCase() !== client.account!.address.toLowerCase()) {
    // Another account: ask it through the standard ERC-7579 getter.
    return isErc7579ValidatorInstalled(chainClientOf(client), parameters.account, capability.sessionKeyModule);
  }
  return capability.isValidatorInstalled(chainClientOf(client), capability.sessionKeyModule);
}
