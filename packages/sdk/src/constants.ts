import { type Address, type Hex, zeroHash } from 'viem';
import { entryPoint08Address } from 'viem/account-abstraction';

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
