// The contracts' ABIs as the SDK exports them. They are generated from the compiled contracts (src/generated, never
// edited by hand); this module only documents them.
import { devPaymasterAbi as devPaymaster } from './generated/DevPaymaster.js';
import { devTokenAbi as devToken } from './generated/DevToken.js';
import { sessionKeyPermissionUpdatesAbi as sessionKeyPermissionUpdates } from './generated/ISessionKeyPermissionUpdates.js';
import { leashAccountAbi as leashAccount } from './generated/LeashAccount.js';
import { leashAccountFactoryAbi as leashAccountFactory } from './generated/LeashAccountFactory.js';
import { sessionKeyModuleAbi as sessionKeyModule } from './generated/SessionKeyModule.js';
import { sessionKeyLensAbi as sessionKeyLens } from './generated/ISessionKeyLens.js';

/**
 * ABI of the Leash reference account: an ERC-7579 account (OpenZeppelin 5.7) with an ECDSA owner.
 *
 * @example
 * ```ts
 * const installed = await publicClient.readContract({
 *   address: account,
 *   abi: leashAccountAbi,
 *   functionName: 'isModuleInstalled',
 *   args: [moduleTypeValidator, getLeashAddresses().sessionKeyModule, '0x'],
 * })
 * ```
 */
export const leashAccountAbi = leashAccount;

/**
 * ABI of the account factory, which deploys accounts as ERC-1167 clones at CREATE2 addresses.
 *
 * @example
 * ```ts
 * const account = await publicClient.readContract({
 *   address: getLeashAddresses().accountFactory,
 *   abi: leashAccountFactoryAbi,
 *   functionName: 'getAccountAddress',
 *   args: [owner, 0n],
 * })
 * ```
 */
export const leashAccountFactoryAbi = leashAccountFactory;

/**
 * ABI of the session key module (an ERC-7579 validator): its management functions and custom errors. Read its state
 * through the lens ({@link sessionKeyLensAbi}).
 *
 * @example
 * ```ts
 * const data = encodeFunctionData({ abi: sessionKeyModuleAbi, functionName: 'removeSessionKey', args: [key] })
 * ```
 */
export const sessionKeyModuleAbi = sessionKeyModule;

/**
 * ABI of the session key lens: everything about an account's keys in one `eth_call` (every getter takes the module's
 * address first).
 *
 * @example
 * ```ts
 * const state = await publicClient.readContract({
 *   address: addresses.sessionKeyLens,
 *   abi: sessionKeyLensAbi,
 *   functionName: 'getSessionKey',
 *   args: [addresses.sessionKeyModule, account, key],
 * })
 * ```
 */
export const sessionKeyLensAbi = sessionKeyLens;

/**
 * ABI of the permission updates the module takes (what {@link SessionKeyPermissionsBuilder.encode} produces).
 *
 * @example
 * ```ts
 * const update = encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeGasSpendLimit' })
 * await client.updateSessionKeyPermissions({ key, permissions: [update] })
 * ```
 */
export const sessionKeyPermissionUpdatesAbi = sessionKeyPermissionUpdates;

/**
 * ABI of the development ERC-20 the local stack deploys (6 decimals, anyone may mint).
 *
 * @example
 * ```ts
 * await walletClient.writeContract({ address: stack.contracts.devToken, abi: devTokenAbi, functionName: 'mint', args: [account, 100_000_000n] })
 * ```
 */
export const devTokenAbi = devToken;

/**
 * ABI of the development paymaster the local stack deploys (it sponsors every op from its EntryPoint deposit).
 *
 * @example
 * ```ts
 * await walletClient.writeContract({ address: stack.contracts.devPaymaster, abi: devPaymasterAbi, functionName: 'deposit', value: parseEther('1') })
 * ```
 */
export const devPaymasterAbi = devPaymaster;
