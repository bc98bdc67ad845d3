/**
 * `@leash/sdk/alchemy`: the action names and argument shapes of Alchemy's (deprecated) Session Key Plugin v1, as thin
 * wrappers over Leash's own actions, so code written for the plugin runs with only its imports and client creation
 * changed. docs/migrating-from-alchemy.md maps every name and behaviour, and says what differs on purpose.
 */
import type { Address, Chain, Client, Hex, Transport } from 'viem';
import type { SessionKeyClient, SessionKeySmartAccount } from '../account/capability.js';
import { capabilityOf } from '../account/capability.js';
import { addSessionKey } from '../actions/addSessionKey.js';
import { executeWithSessionKey, sessionKeySignerOf } from '../actions/executeWithSessionKey.js';
import { getSessionKeys } from '../actions/getSessionKeys.js';
import { installSessionKeyModule } from '../actions/installSessionKeyModule.js';
import type { UserOperationResult } from '../actions/internal/sendCalls.js';
import { isSessionKeyModuleInstalled } from '../actions/isSessionKeyModuleInstalled.js';
import { removeSessionKey } from '../actions/removeSessionKey.js';
import { rotateSessionKey } from '../actions/rotateSessionKey.js';
import { updateSessionKeyPermissions } from '../actions/updateSessionKeyPermissions.js';
import { getLeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';

import { decodePermissionUpdates } from '../permissions/decodePermissionUpdates.js';
import { SessionKeyPermissionsBuilder } from '../permissions/SessionKeyPermissionsBuilder.js';

export { SessionKeyPermissionsBuilder };

/**
 * The plugin's access list types, with its names: `ALLOW_ALL_ACCESS` is Leash's `ALLOW_ALL` (the same value, 2).
 *
 * @example
 * ```ts
 * new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL_ACCESS)
 * ```
 */
export const SessionKeyAccessListType = { ALLOWLIST: 0, DENYLIST: 1, ALLOW_ALL_ACCESS: 2 } as const;

/**
 * Where the plugin was: `SessionKeyPlugin.meta.addresses[chain.id]` is the Leash session key module, which has the same
 * address on every chain (deterministic deployment), so any chain id gives it.
 *
 * @example
 * ```ts
 * const installed = (await client.getInstalledPlugins({})).includes(SessionKeyPlugin.meta.addresses[chain.id]!)
 * ```
 */
export const SessionKeyPlugin = {
  meta: {
    name: 'Leash Session Key Module',
    addresses: new Proxy({} as Record<number, Address>, {
      get: (_, property) => (typeof property === 'string' && /^\d+$/.test(property) ? getLeashAddresses().sessionKeyModule : undefined),
    }),
  },
} as const;

/**
 * What the plugin's write actions returned: the user operation's hash. Leash's actions wait for the receipt before
 * they return, so `waitForUserOperationTransaction({ hash })` answers at once.
 *
 * @example
 * ```ts
 * const { hash } = await client.removeSessionKey({ key })
 * ```
 */
export type SendUserOperationResult = { hash: Hex; receipt: UserOperationResult['receipt'] };

/** A call as the plugin's `executeWithSessionKey` takes it. */
type PluginCall = { target: Address; value?: bigint | undefined; data: Hex };

/**
 * The plugin's actions, as `.extend(sessionKeyPluginActions)` adds them to a Leash client.
 *
 * @example
 * ```ts
 * const client = (await createLeashAccountClient({ chain, transport, bundlerTransport, owner })).extend(sessionKeyPluginActions)
 * const keys: Address[] = await client.getAccountSessionKeys()
 * ```
 */
export type SessionKeyPluginActions = {
  /** The installed plugins this client knows about: the session key module when it is installed (ERC-7579 has no list). */
  getInstalledPlugins(parameters?: object): Promise<Address[]>;
  installSessionKeyPlugin(parameters: { args: [keys: Address[], tags: Hex[], permissions: Hex[][]] }): Promise<SendUserOperationResult>;
  executeWithSessionKey(parameters: { args: [calls: PluginCall[], sessionKey: Address] }): Promise<SendUserOperationResult>;
  addSessionKey(parameters: { key: Address; tag: Hex | string; permissions: Hex[] }): Promise<SendUserOperationResult>;
  removeSessionKey(parameters: { key: Address }): Promise<SendUserOperationResult>;
  rotateSessionKey(parameters: { oldKey: Address; newKey: Address }): Promise<SendUserOperationResult>;
  updateKeyPermissions(parameters: { args: [key: Address, permissions: Hex[]] }): Promise<SendUserOperationResult>;
  getAccountSessionKeys(parameters?: object): Promise<Address[]>;
  isAccountSessionKey(parameters: { key: Address }): Promise<boolean>;
  waitForUserOperationTransaction(parameters: { hash: Hex }): Promise<Hex>;
};

const sent = ({ userOpHash, receipt }: UserOperationResult): SendUserOperationResult => ({ hash: userOpHash, receipt });

/**
 * A new key's permissions with the plugin's default: no gas limit unless one is set. (Leash's own default is no gas
 * budget: the account pays for nothing until the owner says how much.)
 */
function withPluginDefaults(permissions: Hex[]): Hex[] {
  if (decodePermissionUpdates(permissions).gasSpendLimit !== undefined) return permissions;
  return [...permissions, ...new SessionKeyPermissionsBuilder().removeGasSpendLimit().encode()];
}

/**
 * The plugin's decorator: `.extend(sessionKeyPluginActions)` (no call, as with the plugin) on a client from
 * `createLeashAccountClient`. Each action is Leash's own under the plugin's name and argument shape.
 *
 * @example
 * ```ts
 * const client = (await createLeashAccountClient({ chain, transport, bundlerTransport, owner })).extend(sessionKeyPluginActions)
 * const { hash } = await client.installSessionKeyPlugin({ args: [[key], [zeroHash], [permissions.encode()]] })
 * await client.waitForUserOperationTransaction({ hash })
 * ```
 */
export function sessionKeyPluginActions(
  viemClient: Client<Transport, Chain | undefined, SessionKeySmartAccount, any, any>,
): SessionKeyPluginActions {
  const client = viemClient as unknown as SessionKeyClient;
  return {
    getInstalledPlugins: async () => ((await isSessionKeyModuleInstalled(client)) ? [capabilityOf(client).sessionKeyModule] : []),
    installSessionKeyPlugin: async ({ args: [keys, tags, permissions] }) =>
      sent(await installSessionKeyModule(client, { keys, tags, permissions: permissions.map(withPluginDefaults) })),
    executeWithSessionKey: async ({ args: [calls, key] }) => {
      const signer = await sessionKeySignerOf(client).getAddress();
      if (signer.toLowerCase() !== key.toLowerCase())
        throw new LeashError(`This client signs with session key ${signer}, not ${key}.`, {
          details: 'Create the session client with createLeashAccountClient({ signer, accountAddress, … }) for that key.',
        });
      return sent(await executeWithSessionKey(client, { calls: calls.map(({ target, value, data }) => ({ to: target, value, data })) }));
    },
    addSessionKey: async ({ key, tag, permissions }) => sent(await addSessionKey(client, { key, tag, permissions: withPluginDefaults(permissions) })),
    removeSessionKey: async ({ key }) => sent(await removeSessionKey(client, { key })),
    rotateSessionKey: async ({ oldKey, newKey }) => sent(await rotateSessionKey(client, { oldKey, newKey })),
    updateKeyPermissions: async ({ args: [key, permissions] }) => sent(await updateSessionKeyPermissions(client, { key, permissions })),
    getAccountSessionKeys: async () => (await getSessionKeys(client)).map((key) => key.address),
    isAccountSessionKey: async ({ key }) => (await getSessionKeys(client)).some((k) => k.address.toLowerCase() === key.toLowerCase()),
    waitForUserOperationTransaction: async ({ hash }) => (await client.waitForUserOperationReceipt({ hash })).receipt.transactionHash,
  };
}
