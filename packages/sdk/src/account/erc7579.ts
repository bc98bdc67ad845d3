import { type Address, type Client, encodeFunctionData } from 'viem';
import { getCode, readContract } from 'viem/actions';
import { moduleTypeValidator } from '../constants.js';
import { LeashError } from '../errors/LeashError.js';
// The Leash account is an ERC-7579 account: its generated ABI has the standard installModule, uninstallModule,
// isModuleInstalled and execute.
import { leashAccountAbi as erc7579AccountAbi } from '../generated/LeashAccount.js';
import type { SessionKeyAccountCapability } from './capability.js';
import type { Call } from './execution.js';

/**
 * How an account's EntryPoint nonce key (192 bits) names a validator and a lane. Accounts differ:
 * - OpenZeppelin AccountERC7579 (the Leash account): `validator (20 bytes) ‖ lane (4 bytes)`;
 * - Kernel v3: `mode (1) ‖ validation type (1) ‖ validator (20) ‖ lane (2)`;
 * - Nexus: `lane (3) ‖ validation mode (1) ‖ validator (20)`.
 *
 * @example
 * ```ts
 * const key = openZeppelinNonceLayout.getNonceKey({ validator: sessionKeyModule, lane: 2n })
 * ```
 */
export type NonceKeyLayout = Pick<SessionKeyAccountCapability, 'getNonceKey' | 'maxNonceLane'>;

const checkLane = (lane: bigint, max: bigint) => {
  if (lane < 0n || lane > max) throw new LeashError(`Nonce lane ${lane} is out of range (0 to ${max}).`);
};

/**
 * OpenZeppelin AccountERC7579's nonce key: the validator's address in the top 20 bytes, a 4-byte lane below it.
 *
 * @example
 * ```ts
 * openZeppelinNonceLayout.getNonceKey({ validator: module, lane: 0n }) // BigInt(module) << 32n
 * ```
 */
export const openZeppelinNonceLayout: NonceKeyLayout = {
  maxNonceLane: 0xffffffffn,
  getNonceKey({ validator, lane }) {
    checkLane(lane, 0xffffffffn);
    return (BigInt(validator) << 32n) | lane;
  },
};

/**
 * Kernel v3's nonce key: `mode ‖ validation type ‖ validator ‖ 2-byte lane`, here with mode 0x00 (default) and
 * validation type 0x01 (a validator module).
 *
 * @example
 * ```ts
 * kernelNonceLayout.getNonceKey({ validator: module, lane: 1n })
 * ```
 */
export const kernelNonceLayout: NonceKeyLayout = {
  maxNonceLane: 0xffffn,
  getNonceKey({ validator, lane }) {
    checkLane(lane, 0xffffn);
    return (0x01n << 176n) | (BigInt(validator) << 16n) | lane;
  },
};

/**
 * Nexus's nonce key: `lane (3 bytes, its batch id) ‖ validation mode (1) ‖ validator (20)`, here with mode 0x00
 * (validate with an installed validator).
 *
 * @example
 * ```ts
 * nexusNonceLayout.getNonceKey({ validator: module, lane: 1n })
 * ```
 */
export const nexusNonceLayout: NonceKeyLayout = {
  maxNonceLane: 0xffffffn,
  getNonceKey({ validator, lane }) {
    checkLane(lane, 0xffffffn);
    return (lane << 168n) | BigInt(validator);
  },
};

/**
 * The standard ERC-7579 `installModule(1, module, initData)` the account calls on itself.
 *
 * @example
 * ```ts
 * const call = encodeErc7579InstallValidator(account, { module, initData: '0x' })
 * ```
 */
export function encodeErc7579InstallValidator(account: Address, parameters: { module: Address; initData: `0x${string}` }): Call {
  return {
    to: account,
    data: encodeFunctionData({ abi: erc7579AccountAbi, functionName: 'installModule', args: [moduleTypeValidator, parameters.module, parameters.initData] }),
  };
}

/**
 * The standard ERC-7579 `uninstallModule(1, module, deInitData)` the account calls on itself.
 *
 * @example
 * ```ts
 * const call = encodeErc7579UninstallValidator(account, { module, deInitData: '0x' })
 * ```
 */
export function encodeErc7579UninstallValidator(account: Address, parameters: { module: Address; deInitData: `0x${string}` }): Call {
  return {
    to: account,
    data: encodeFunctionData({ abi: erc7579AccountAbi, functionName: 'uninstallModule', args: [moduleTypeValidator, parameters.module, parameters.deInitData] }),
  };
}

/**
 * Whether `module` is installed on `account` as a validator (ERC-7579 `isModuleInstalled`); false while the account
 * has no code.
 *
 * @example
 * ```ts
 * const installed = await isErc7579ValidatorInstalled(publicClient, account, module)
 * ```
 */
export async function isErc7579ValidatorInstalled(client: Client, account: Address, module: Address): Promise<boolean> {
  if (!(await getCode(client, { address: account }))) return false;
  return readContract(client, { address: account, abi: erc7579AccountAbi, functionName: 'isModuleInstalled', args: [moduleTypeValidator, module, '0x'] });
}
