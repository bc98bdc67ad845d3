import { type Address, type Hex, zeroHash } from 'viem';
import { entryPoint08Address } from 'viem/account-abstraction';

/** EntryPoint v0.8 at its canonical address (the same on every chain). */
export const entryPointAddress: Address = entryPoint08Address;

/** The deterministic CREATE2 deployer (Arachnid's), present on most chains and on anvil by default. */
export const create2DeployerAddress: Address = '0x4e59b44847b379578588920cA78FbF26c0B4956C';

/** The salt that puts EntryPoint v0.8's published creation code at its canonical address. */
export const entryPointSalt: Hex = '0x0a59dbff790c23c976a548690c27297883cc66b4c67024f9117b0238995e35e9';

/** The CREATE2 salt of every Leash contract. */
export const leashSalt: Hex = zeroHash;

/**
 * The address allowed to withdraw the canonical account factory's EntryPoint stake. It is a constructor argument of
 * the factory, so it is part of the factory's address: keep it to get the canonical addresses, pass your own to
 * deploy a factory whose stake you control (at another address).
 */
export const canonicalStakeOwner: Address = '0xf873D8c9b78cd06463345b52044417f94573f200';

/** ERC-7579 module type id of validators. */
export const moduleTypeValidator = 1n;
