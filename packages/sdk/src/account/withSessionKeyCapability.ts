import type { Client } from 'viem';
import type { SmartAccount } from 'viem/account-abstraction';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeyAccountCapability } from './capability.js';
import { encodeExecute } from './execution.js';
import type { AccountKind } from './kinds/accountKind.js';

/**
 * Parameters of {@link withSessionKeyCapability}.
 *
 * @example
 * ```ts
 * const parameters: WithSessionKeyCapabilityParameters = { kind: kernelAccountKind, addresses: getLeashAddresses() }
 * ```
 */
export type WithSessionKeyCapabilityParameters = {
  /** The account's kind: how it installs a validator and names one in its nonce key. */
  kind: AccountKind;
  /** Where the session key module and its lens are. */
  addresses: Pick<LeashAddresses, 'sessionKeyModule' | 'sessionKeyLens'>;
};

/**
 * Gives an owner-side SmartAccount built elsewhere (permissionless' `toKernelSmartAccount`, `toNexusSmartAccount`,
 * `toSafeSmartAccount`, or any viem SmartAccount of an ERC-7579 account) the session key capability, so the owner's
 * client can install the module and manage keys with the session key actions. The account keeps signing its owner ops
 * as it did; the capability adds where the module is and how this kind of account installs it.
 *
 * @example
 * ```ts
 * const kernel = await toKernelSmartAccount({ client, owners: [owner], version: '0.3.1', address, validatorAddress })
 * const ownerClient = createBundlerClient({ account: withSessionKeyCapability(kernel, { kind: kernelAccountKind, addresses }), client, transport })
 *   .extend(sessionKeyActions())
 * await ownerClient.installSessionKeyModule({ keys: [key], permissions: [builder.encode()] })
 * ```
 */
export function withSessionKeyCapability<account extends SmartAccount>(
  account: account,
  parameters: WithSessionKeyCapabilityParameters,
): account & { sessionKeys: SessionKeyAccountCapability } {
  const { kind, addresses } = parameters;
  const { address } = account;
  const entryPoint = { address: account.entryPoint.address, version: account.entryPoint.version };
  if (entryPoint.version !== '0.7' && entryPoint.version !== '0.8')
    throw new LeashError(`The session key module works with EntryPoint v0.7 and v0.8, not ${entryPoint.version}.`);
  const sessionKeys: SessionKeyAccountCapability = {
    accountType: kind.name,
    entryPoint: entryPoint as SessionKeyAccountCapability['entryPoint'],
    sessionKeyModule: addresses.sessionKeyModule,
    sessionKeyLens: addresses.sessionKeyLens,
    getNonceKey: kind.nonceLayout.getNonceKey,
    maxNonceLane: kind.nonceLayout.maxNonceLane,
    encodeExecute,
    encodeInstallValidator: (p) => kind.encodeInstallValidator(address, p),
    encodeUninstallValidator: (p) => kind.encodeUninstallValidator(account.client as Client, address, p),
    isValidatorInstalled: (client, module) => kind.isValidatorInstalled(client, address, module),
    sessionKeySigner: undefined,
  };
  return Object.assign(account, { sessionKeys });
}
