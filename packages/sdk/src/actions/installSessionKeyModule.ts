import { type Address, type Hex, encodeAbiParameters } from 'viem';
import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { toTag } from './internal/tag.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Parameters of {@link installSessionKeyModule}.
 *
 * @example
 * ```ts
 * const parameters: InstallSessionKeyModuleParameters = { keys: [key], tags: ['my-app'], permissions: [builder.encode()] }
 * await client.installSessionKeyModule(parameters)
 * ```
 */
export type InstallSessionKeyModuleParameters = {
  /** Session keys to add right away. */
  keys?: Address[] | undefined;
  /** One tag per key: a 32-byte hex, or text of up to 31 bytes. */
  tags?: (Hex | string)[] | undefined;
  /** One list of encoded permission updates per key (`SessionKeyPermissionsBuilder.encode()`). */
  permissions?: Hex[][] | undefined;
};

/**
 * Installs the session key module on the client's account, optionally with initial keys, in one owner-signed user op
 * (which also deploys the account if needed). The account's capability encodes the install in its own layout.
 *
 * @example
 * ```ts
 * await installSessionKeyModule(client, {
 *   keys: [await signer.getAddress()],
 *   tags: ['my-app'],
 *   permissions: [new SessionKeyPermissionsBuilder().addContractAddressAccessEntry({ ... }).encode()],
 * })
 * ```
 */
export async function installSessionKeyModule(
  client: SessionKeyClient,
  parameters: InstallSessionKeyModuleParameters = {},
): Promise<UserOperationResult> {
  const keys = parameters.keys ?? [];
  const tags = parameters.tags ?? keys.map(() => '');
  const permissions = parameters.permissions ?? keys.map(() => []);
  if (tags.length !== keys.length || permissions.length !== keys.length)
    throw new LeashError('installSessionKeyModule needs one tag and one permission list per key.', {
      metaMessages: [`Keys: ${keys.length}`, `Tags: ${tags.length}`, `Permission lists: ${permissions.length}`],
    });
  const initData: Hex =
    keys.length === 0
      ? '0x'
      : encodeAbiParameters(
          [{ type: 'address[]' }, { type: 'bytes32[]' }, { type: 'bytes[][]' }],
          [keys, tags.map(toTag), permissions],
        );
  const capability = capabilityOf(client);
  return sendCallsAndWait(client, [capability.encodeInstallValidator({ module: capability.sessionKeyModule, initData })]);
}
