import type { Address, Chain, Client, Transport } from 'viem';
import type { SessionKeyClient, SessionKeySmartAccount } from '../account/capability.js';
import { type AddSessionKeyParameters, addSessionKey } from '../actions/addSessionKey.js';
import {
  type CheckSessionKeyCallsParameters,
  type CheckSessionKeyCallsReturnType,
  checkSessionKeyCalls,
} from '../actions/checkSessionKeyCalls.js';
import {
  type ExecuteWithSessionKeyParameters,
  type ExecuteWithSessionKeyReturnType,
  executeWithSessionKey,
} from '../actions/executeWithSessionKey.js';
import {
  type GetSessionKeyPermissionsParameters,
  type SessionKeyState,
  getSessionKeyPermissions,
} from '../actions/getSessionKeyPermissions.js';
import { getSessionKeyByTag } from '../actions/getSessionKeyByTag.js';
import { type SessionKeySummary, getSessionKeyStates, getSessionKeys } from '../actions/getSessionKeys.js';
import { type FindUserOperationReceiptParameters, findUserOperationReceipt } from '../actions/findUserOperationReceipt.js';
import { type ResumeUserOperationParameters, resumeUserOperation } from '../actions/resumeUserOperation.js';
import { type InstallSessionKeyModuleParameters, installSessionKeyModule } from '../actions/installSessionKeyModule.js';
import type { UserOperationResult } from '../actions/internal/sendCalls.js';
import { type IsSessionKeyModuleInstalledParameters, isSessionKeyModuleInstalled } from '../actions/isSessionKeyModuleInstalled.js';
import { removeSessionKey } from '../actions/removeSessionKey.js';
import { revokeAllSessionKeys } from '../actions/revokeAllSessionKeys.js';
import { rotateSessionKey } from '../actions/rotateSessionKey.js';
import { uninstallSessionKeyModule } from '../actions/uninstallSessionKeyModule.js';
import type { UserOperationReceipt } from 'viem/account-abstraction';
import { type SignSessionKeyGrantParameters, signSessionKeyGrant } from '../actions/signSessionKeyGrant.js';
import { type CancelSessionKeyGrantParameters, cancelSessionKeyGrant } from '../actions/cancelSessionKeyGrant.js';
import { type SessionKeyGrantStatusReturnType, getSessionKeyGrantStatus } from '../actions/getSessionKeyGrantStatus.js';
import type { SessionKeyGrant } from '../grants/serialize.js';
import { updateSessionKeyPermissions } from '../actions/updateSessionKeyPermissions.js';

/**
 * The session key actions, bound to a client by {@link sessionKeyActions}.
 *
 * @example
 * ```ts
 * async function grant(client: SessionKeyActions, key: Address, permissions: Hex[]) {
 *   if (!(await client.isSessionKeyModuleInstalled())) return client.installSessionKeyModule({ keys: [key], permissions: [permissions] })
 *   return client.addSessionKey({ key, permissions })
 * }
 * ```
 */
export type SessionKeyActions = {
  isSessionKeyModuleInstalled(parameters?: IsSessionKeyModuleInstalledParameters): Promise<boolean>;
  installSessionKeyModule(parameters?: InstallSessionKeyModuleParameters): Promise<UserOperationResult>;
  uninstallSessionKeyModule(): Promise<UserOperationResult>;
  addSessionKey(parameters: AddSessionKeyParameters): Promise<UserOperationResult>;
  removeSessionKey(parameters: { key: Address }): Promise<UserOperationResult>;
  updateSessionKeyPermissions(parameters: Parameters<typeof updateSessionKeyPermissions>[1]): Promise<UserOperationResult>;
  rotateSessionKey(parameters: { oldKey: Address; newKey: Address }): Promise<UserOperationResult>;
  revokeAllSessionKeys(): Promise<UserOperationResult>;
  getSessionKeys(parameters?: { account?: Address | undefined }): Promise<SessionKeySummary[]>;
  getSessionKeyByTag(parameters: Parameters<typeof getSessionKeyByTag>[1]): Promise<SessionKeySummary>;
  getSessionKeyPermissions(parameters: GetSessionKeyPermissionsParameters): Promise<SessionKeyState>;
  getSessionKeyStates(parameters?: { account?: Address | undefined }): Promise<SessionKeyState[]>;
  executeWithSessionKey(parameters: ExecuteWithSessionKeyParameters): Promise<ExecuteWithSessionKeyReturnType>;
  checkSessionKeyCalls(parameters: CheckSessionKeyCallsParameters): Promise<CheckSessionKeyCallsReturnType>;
  resumeUserOperation(parameters: ResumeUserOperationParameters): Promise<UserOperationResult>;
  findUserOperationReceipt(parameters: FindUserOperationReceiptParameters): Promise<UserOperationReceipt<'0.8'> | null>;
  signSessionKeyGrant(parameters: SignSessionKeyGrantParameters): Promise<SessionKeyGrant>;
  cancelSessionKeyGrant(parameters: CancelSessionKeyGrantParameters): Promise<UserOperationResult>;
  getSessionKeyGrantStatus(parameters: { grant: SessionKeyGrant; now?: number | undefined }): Promise<SessionKeyGrantStatusReturnType>;
};

/**
 * Decorator for `client.extend`: adds the session key actions to a bundler client whose account has the session key
 * capability (a Leash account, an OpenZeppelin-style ERC-7579 account from {@link toErc7579SmartAccount}, …).
 *
 * @example
 * ```ts
 * const client = (await createLeashAccountClient({ chain, transport, bundlerTransport, owner })).extend(sessionKeyActions())
 * if (!(await client.isSessionKeyModuleInstalled())) await client.installSessionKeyModule()
 * ```
 */
export function sessionKeyActions() {
  // viem's `extend` hands the decorator the whole bundler client at run time, but types it as a plain Client (without
  // `client`, `userOperation`, …): take that type, so `.extend(sessionKeyActions())` type-checks, and use the client.
  return (viemClient: Client<Transport, Chain | undefined, SessionKeySmartAccount, any, any>): SessionKeyActions => {
    const client = viemClient as unknown as SessionKeyClient;
    return {
      isSessionKeyModuleInstalled: (parameters) => isSessionKeyModuleInstalled(client, parameters),
      installSessionKeyModule: (parameters) => installSessionKeyModule(client, parameters),
      uninstallSessionKeyModule: () => uninstallSessionKeyModule(client),
      addSessionKey: (parameters) => addSessionKey(client, parameters),
      removeSessionKey: (parameters) => removeSessionKey(client, parameters),
      updateSessionKeyPermissions: (parameters) => updateSessionKeyPermissions(client, parameters),
      rotateSessionKey: (parameters) => rotateSessionKey(client, parameters),
      revokeAllSessionKeys: () => revokeAllSessionKeys(client),
      getSessionKeys: (parameters) => getSessionKeys(client, parameters),
      getSessionKeyByTag: (parameters) => getSessionKeyByTag(client, parameters),
      getSessionKeyPermissions: (parameters) => getSessionKeyPermissions(client, parameters),
      getSessionKeyStates: (parameters) => getSessionKeyStates(client, parameters),
      executeWithSessionKey: (parameters) => executeWithSessionKey(client, parameters),
      checkSessionKeyCalls: (parameters) => checkSessionKeyCalls(client, parameters),
      resumeUserOperation: (parameters) => resumeUserOperation(client, parameters),
      findUserOperationReceipt: (parameters) => findUserOperationReceipt(client, parameters),
      signSessionKeyGrant: (parameters) => signSessionKeyGrant(client, parameters),
      cancelSessionKeyGrant: (parameters) => cancelSessionKeyGrant(client, parameters),
      getSessionKeyGrantStatus: (parameters) => getSessionKeyGrantStatus(client, parameters),
    };
  };
}
