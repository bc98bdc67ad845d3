import { type Address, type Hex, zeroHash } from 'viem';
import { entryPoint07Address, entryPoint08Address } from 'viem/account-abstraction';

/**
 * EntryPoint v0.8 at its canonical address (the same on every chain).
 *
 * @example
 * ```ts
 * const deposit = await publicClient.readContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'balanceOf', args: [account] })
 * ```
 */
export const entryPointAddress: Address = entryPoint08Address;

/**
 * The EntryPoint versions the session key module works with. The module reads the same PackedUserOperation in both,
 * and the userOpHash it is given comes from the account; only the hash the session key signs differs (v0.8: an EIP-712
 * digest, v0.7: `keccak256(abi.encode(keccak256(packed op), entryPoint, chainId))`).
 *
 * @example
 * ```ts
 * const version: LeashEntryPointVersion = account.sessionKeys.entryPoint.version // '0.7' for a Safe7579 account
 * ```
 */
export type LeashEntryPointVersion = '0.7' | '0.8';

/**
 * An EntryPoint an account is built for: its address and version.
 *
 * @example
 * ```ts
 * const entryPoint: LeashEntryPoint = entryPoints['0.7']
 * ```
 */
export type LeashEntryPoint = { address: Address; version: LeashEntryPointVersion };

/**
 * EntryPoint v0.7 and v0.8 at their canonical addresses. The Leash account is built for v0.8; Safe7579 and the ERC-7579
 * reference account name v0.7's address in their code, and deployed Kernel v3.1 and Nexus accounts were built with it.
 *
 * @example
 * ```ts
 * const { address } = entryPoints['0.7'] // 0x0000000071727De22E5E9d8BAf0edAc6f37da032
 * ```
 */
export const entryPoints = {
  '0.7': { address: entryPoint07Address, version: '0.7' },
  '0.8': { address: entryPoint08Address, version: '0.8' },
} as const satisfies Record<LeashEntryPointVersion, LeashEntryPoint>;

/**
 * The salt that puts EntryPoint v0.7's published creation code (@account-abstraction/contracts 0.7.0) at its canonical
 * address through the deterministic deployer.
 *
 * @example
 * ```ts
 * const data = concat([entryPoint07Salt, entryPoint07Bytecode]) // sent to create2DeployerAddress
 * ```
 */
export const entryPoint07Salt: Hex = '0x90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3';

/**
 * The deterministic CREATE2 deployer (Arachnid's), present on most chains and on anvil by default.
 *
 * @example
 * ```ts
 * const present = (await publicClient.getCode({ address: create2DeployerAddress })) !== undefined
 * ```
 */
export const create2DeployerAddress: Address = '0x4e59b44847b379578588920cA78FbF26c0B4956C';

/**
 * The salt that puts EntryPoint v0.8's published creation code at its canonical address.
 *
 * @example
 * ```ts
 * const data = concat([entryPointSalt, entryPoint08Bytecode]) // sent to create2DeployerAddress
 * ```
 */
export const entryPointSalt: Hex = '0x0a59dbff790c23c976a548690c27297883cc66b4c67024f9117b0238995e35e9';

/**
 * The CREATE2 salt of every Leash contract.
 *
 * @example
 * ```ts
 * const address = getContractAddress({ opcode: 'CREATE2', from: create2DeployerAddress, salt: leashSalt, bytecode: initCode })
 * ```
 */
export const leashSalt: Hex = zeroHash;

/**
 * The address allowed to withdraw the canonical account factory's EntryPoint stake. It is a constructor argument of
 * the factory, so it is part of the factory's address: keep it to get the canonical addresses, pass your own to
 * deploy a factory whose stake you control (at another address).
 *
 * @example
 * ```ts
 * const { accountFactory } = getLeashAddresses({ stakeOwner: canonicalStakeOwner }) // the same as getLeashAddresses()
 * ```
 */
export const canonicalStakeOwner: Address = '0xf873D8c9b78cd06463345b52044417f94573f200';

/**
 * ERC-7579 module type id of validators.
 *
 * @example
 * ```ts
 * const installed = await publicClient.readContract({ address: account, abi: leashAccountAbi, functionName: 'isModuleInstalled', args: [moduleTypeValidator, sessionKeyModule, '0x'] })
 * ```
 */
export const moduleTypeValidator = 1n;
