import { type Address, type Hex, concat, encodeDeployData, getContractAddress } from 'viem';
import { canonicalStakeOwner, create2DeployerAddress, entryPointAddress, leashSalt } from '../constants.js';
import { leashAccountFactoryAbi, leashAccountFactoryBytecode } from '../generated/LeashAccountFactory.js';
import { devTokenAbi, devTokenBytecode } from '../generated/DevToken.js';
import { sessionKeyModuleAbi, sessionKeyModuleBytecode } from '../generated/SessionKeyModule.js';
import { permissionUpdaterBytecode } from '../generated/PermissionUpdater.js';
import { sessionKeyLensBytecode } from '../generated/SessionKeyLens.js';
import { devPaymasterBytecode } from '../generated/DevPaymaster.js';

/**
 * Where the Leash contracts live on a chain.
 *
 * @example
 * ```ts
 * const addresses: LeashAddresses = getLeashAddresses()
 * const client = await createLeashAccountClient({ chain, transport, bundlerTransport, owner, addresses })
 * ```
 */
export type LeashAddresses = {
  entryPoint: Address;
  accountFactory: Address;
  accountImplementation: Address;
  sessionKeyModule: Address;
  /** Key management, delegatecalled by the module (never called directly). */
  permissionUpdater: Address;
  /** Reads every key's state in one call. */
  sessionKeyLens: Address;
};

/**
 * A contract the deterministic deployer can put at a fixed address: its creation code and that address.
 *
 * @example
 * ```ts
 * const token: DeterministicContract = getDevTokenContract()
 * await deployDeterministic(walletClient, token) // lands at token.address
 * ```
 */
export type DeterministicContract = { name: string; initCode: Hex; address: Address };

/** Parameters of {@link getLeashAddresses}. */
export type GetLeashAddressesParameters = {
  /** Owner of the factory's EntryPoint stake. Defaults to {@link canonicalStakeOwner} (the canonical addresses). */
  stakeOwner?: Address | undefined;
};

/**
 * The address the deterministic deployer gives `initCode` with Leash's salt.
 *
 * @example
 * ```ts
 * const address = getDeterministicAddress(getAccountFactoryInitCode(myStakeOwner))
 * ```
 */
export function getDeterministicAddress(initCode: Hex): Address {
  return getContractAddress({ opcode: 'CREATE2', from: create2DeployerAddress, salt: leashSalt, bytecode: initCode });
}

/**
 * Creation code of the account factory for a stake owner.
 *
 * @example
 * ```ts
 * const factory = getDeterministicAddress(getAccountFactoryInitCode(myStakeOwner)) // a factory whose stake you control
 * ```
 */
export function getAccountFactoryInitCode(stakeOwner: Address = canonicalStakeOwner): Hex {
  return encodeDeployData({ abi: leashAccountFactoryAbi, bytecode: leashAccountFactoryBytecode, args: [stakeOwner] });
}

/**
 * The contracts Leash deploys on every chain, in deployment order, with their CREATE2 addresses.
 *
 * @example
 * ```ts
 * const contracts = getLeashContracts()
 * contracts.map((c) => `${c.name}: ${c.address}`)
 * ```
 */
export function getLeashContracts(parameters: GetLeashAddressesParameters = {}): DeterministicContract[] {
  const factoryInitCode = getAccountFactoryInitCode(parameters.stakeOwner);
  const updater = getDeterministicAddress(permissionUpdaterBytecode);
  // The module delegates key management to the updater, whose address is part of its creation code (and so of its own).
  const moduleInitCode = encodeDeployData({ abi: sessionKeyModuleAbi, bytecode: sessionKeyModuleBytecode, args: [updater] });
  return [
    { name: 'PermissionUpdater', initCode: permissionUpdaterBytecode, address: updater },
    { name: 'SessionKeyModule', initCode: moduleInitCode, address: getDeterministicAddress(moduleInitCode) },
    { name: 'SessionKeyLens', initCode: sessionKeyLensBytecode, address: getDeterministicAddress(sessionKeyLensBytecode) },
    { name: 'LeashAccountFactory', initCode: factoryInitCode, address: getDeterministicAddress(factoryInitCode) },
  ];
}

/**
 * The addresses of the Leash contracts, computed off-chain. They are the same on every chain.
 *
 * @example
 * ```ts
 * const { accountFactory, entryPoint } = getLeashAddresses()
 * ```
 */
export function getLeashAddresses(parameters: GetLeashAddressesParameters = {}): LeashAddresses {
  const [updater, module, lens, factory] = getLeashContracts(parameters);
  const accountFactory = factory!.address;
  return {
    entryPoint: entryPointAddress,
    sessionKeyModule: module!.address,
    permissionUpdater: updater!.address,
    sessionKeyLens: lens!.address,
    accountFactory,
    // The factory creates the implementation in its constructor: its first CREATE (nonce 1).
    accountImplementation: getContractAddress({ from: accountFactory, nonce: 1n }),
  };
}

/**
 * Parameters of the development token the local stack deploys.
 *
 * @example
 * ```ts
 * const amount = parseUnits('25', devTokenParameters.decimals) // 25 dUSD
 * ```
 */
export const devTokenParameters = { name: 'Leash Dev USD', symbol: 'dUSD', decimals: 6 } as const;

/**
 * The development ERC-20 (6 decimals, open minting) the local stack deploys, for demos and tests.
 *
 * @example
 * ```ts
 * const { address } = getDevTokenContract()
 * ```
 */
export function getDevTokenContract(): DeterministicContract {
  const initCode = encodeDeployData({
    abi: devTokenAbi,
    bytecode: devTokenBytecode,
    args: [devTokenParameters.name, devTokenParameters.symbol, devTokenParameters.decimals],
  });
  return { name: 'DevToken', initCode, address: getDeterministicAddress(initCode) };
}

/** Calldata for the deterministic deployer: salt ‖ creation code. */
export function toCreate2DeployerCalldata(initCode: Hex, salt: Hex = leashSalt): Hex {
  return concat([salt, initCode]);
}

/**
 * The development paymaster (sponsors every op from its deposit) the local stack deploys, for demos and tests.
 *
 * @example
 * ```ts
 * const { address } = getDevPaymasterContract()
 * ```
 */
export function getDevPaymasterContract(): DeterministicContract {
  return { name: 'DevPaymaster', initCode: devPaymasterBytecode, address: getDeterministicAddress(devPaymasterBytecode) };
}
