import {
  type Account,
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type Transport,
  type WalletClient,
  encodeFunctionData,
  parseEther,
} from 'viem';
import { entryPoint08Abi } from 'viem/account-abstraction';
import {
  getBalance,
  getCode,
  readContract,
  sendRawTransaction,
  sendTransaction,
  waitForTransactionReceipt,
} from 'viem/actions';
import { create2DeployerAddress, entryPoint07Salt, entryPointAddress, entryPointSalt, entryPoints } from '../constants.js';
import { LeashError } from '../errors/LeashError.js';
import { entryPoint08Bytecode } from '../generated/EntryPoint.js';
import { entryPoint07Bytecode } from '../generated/EntryPoint07.js';
import { leashAccountFactoryAbi } from '../generated/LeashAccountFactory.js';
import {
  type DeterministicContract,
  type LeashAddresses,
  getLeashAddresses,
  getLeashContracts,
  getLeash7702AccountContract,
  toCreate2DeployerCalldata,
} from './addresses.js';

/**
 * Thrown when a deployment step fails.
 *
 * @example
 * ```ts
 * try {
 *   await deployLeash(walletClient)
 * } catch (error) {
 *   if (error instanceof DeploymentError) console.error(error.shortMessage, error.details)
 * }
 * ```
 */
export class DeploymentError extends LeashError {
  override name = 'DeploymentError';
}

/**
 * How the account factory is staked in the EntryPoint.
 *
 * @example
 * ```ts
 * const stake: FactoryStake = { amount: parseEther('0.5'), unstakeDelaySec: 2 * 86_400 }
 * await deployLeash(walletClient, { stake })
 * ```
 */
export type FactoryStake = {
  /** Stake in wei. Bundlers commonly require 1 ether (Alto's default minimum). */
  amount: bigint;
  /** Unstake delay in seconds. Bundlers commonly require at least one day. */
  unstakeDelaySec: number;
};

/**
 * Parameters of {@link deployLeash}.
 *
 * @example
 * ```ts
 * await deployLeash(walletClient, { stake: false, onProgress: console.log })
 * ```
 */
export type DeployLeashParameters = {
  /** Owner of the factory's stake; defaults to the canonical one (canonical addresses). */
  stakeOwner?: Address | undefined;
  /** Stake to hold in the EntryPoint for the factory, or `false` to leave staking alone. Default: 1 ether, 1 day. */
  stake?: FactoryStake | false | undefined;
  /**
   * Also put EntryPoint v0.7 at its canonical address where it is missing (for accounts built for it: Safe7579, the
   * ERC-7579 reference account, Kernel v3.1 and Nexus as deployed). Default false: public chains have it.
   */
  entryPoint07?: boolean | undefined;
  /** More contracts to deploy through the deterministic deployer (e.g. the local stack's dev token). */
  extraContracts?: DeterministicContract[] | undefined;
  /** Called with a line of progress for each step. */
  onProgress?: ((message: string) => void) | undefined;
};

/** One contract's outcome. */
export type DeployedContract = { name: string; address: Address; transactionHash?: Hash | undefined };

/**
 * Result of {@link deployLeash}.
 *
 * @example
 * ```ts
 * const { addresses, contracts, factoryStake } = await deployLeash(walletClient)
 * for (const c of contracts) console.log(c.name, c.address, c.transactionHash ?? 'already deployed')
 * ```
 */
export type DeployLeashReturnType = {
  addresses: LeashAddresses;
  /** Every contract checked, with the transaction that deployed it (absent when it was already there). */
  contracts: DeployedContract[];
  /** The factory's stake after the run. */
  factoryStake: { amount: bigint; unstakeDelaySec: number };
};

/**
 * The factory stake `deployLeash` holds by default: 1 ether with a one-day unstake delay (what bundlers commonly require).
 *
 * @example
 * ```ts
 * await deployLeash(walletClient, { stake: defaultFactoryStake }) // 1 ether, unstake delay 1 day
 * ```
 */
export const defaultFactoryStake: FactoryStake = { amount: parseEther('1'), unstakeDelaySec: 86_400 };

type DeployClient = WalletClient<Transport, Chain, Account>;

/**
 * Puts EntryPoint v0.8 (where it is missing) and the Leash contracts at their CREATE2 addresses on any chain, and
 * stakes the account factory. Idempotent: what is already deployed or staked is left as it is.
 *
 * @example
 * ```ts
 * const client = createWalletClient({ account: privateKeyToAccount(key), chain, transport: http(rpcUrl) })
 * const { addresses } = await deployLeash(client)
 * ```
 */
export async function deployLeash(
  client: DeployClient,
  parameters: DeployLeashParameters = {},
): Promise<DeployLeashReturnType> {
  const { stakeOwner, stake = defaultFactoryStake, extraContracts = [], entryPoint07 = false, onProgress = () => {} } = parameters;
  const addresses = getLeashAddresses({ stakeOwner });

  await ensureCreate2Deployer(client, onProgress);

  const entryPoint: DeterministicContract = {
    name: 'EntryPoint v0.8',
    initCode: entryPoint08Bytecode,
    address: entryPointAddress,
  };
  const contracts: DeployedContract[] = [];
  if (entryPoint07)
    contracts.push(
      await deployDeterministic(
        client,
        { name: 'EntryPoint v0.7', initCode: entryPoint07Bytecode, address: entryPoints['0.7'].address },
        entryPoint07Salt,
        onProgress,
      ),
    );
  for (const contract of [entryPoint, ...getLeashContracts({ stakeOwner }), getLeash7702AccountContract(), ...extraContracts]) {
    const salt = contract === entryPoint ? entryPointSalt : undefined;
    contracts.push(await deployDeterministic(client, contract, salt, onProgress));
  }

  const factoryStake =
    stake === false
      ? await readStake(client, addresses.accountFactory)
      : await ensureStake(client, addresses.accountFactory, stake, onProgress);
  return { addresses, contracts, factoryStake };
}

/**
 * Deploys `contract` through the deterministic deployer unless code is already at its address.
 *
 * @example
 * ```ts
 * await deployDeterministic(client, getDevTokenContract())
 * ```
 */
export async function deployDeterministic(
  client: DeployClient,
  contract: DeterministicContract,
  salt?: Hex,
  onProgress: (message: string) => void = () => {},
): Promise<DeployedContract> {
  if (await hasCode(client, contract.address)) {
    onProgress(`${contract.name} already at ${contract.address}`);
    return { name: contract.name, address: contract.address };
  }
  const transactionHash = await sendTransaction(client, {
    to: create2DeployerAddress,
    data: toCreate2DeployerCalldata(contract.initCode, salt),
    chain: client.chain,
    account: client.account,
  });
  const receipt = await waitForTransactionReceipt(client, { hash: transactionHash });
  if (receipt.status !== 'success' || !(await hasCode(client, contract.address)))
    throw new DeploymentError(`Deploying ${contract.name} failed.`, {
      details: `Transaction ${transactionHash} did not put code at ${contract.address}.`,
    });
  onProgress(`${contract.name} deployed at ${contract.address}`);
  return { name: contract.name, address: contract.address, transactionHash };
}

// Arachnid's deterministic deployment proxy: a pre-EIP-155 transaction signed by a throwaway key, valid on every chain
// that accepts unprotected transactions. Its signer must hold gasPrice × gasLimit = 0.01 ether.
const create2DeployerSigner: Address = '0x3fab184622dc19b6109349b94811493bf2a45362';
const create2DeployerTransaction: Hex =
  '0xf8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf31ba02222222222222222222222222222222222222222222222222222222222222222a02222222222222222222222222222222222222222222222222222222222222222';
const create2DeployerCost = 10_000_000_000_000_000n;

async function ensureCreate2Deployer(client: DeployClient, onProgress: (message: string) => void): Promise<void> {
  if (await hasCode(client, create2DeployerAddress)) return;
  onProgress('Deterministic deployer missing: deploying it from its published transaction');
  const balance = await getBalance(client, { address: create2DeployerSigner });
  if (balance < create2DeployerCost) {
    const hash = await sendTransaction(client, {
      to: create2DeployerSigner,
      value: create2DeployerCost - balance,
      chain: client.chain,
      account: client.account,
    });
    await waitForTransactionReceipt(client, { hash });
  }
  const hash = await sendRawTransaction(client, { serializedTransaction: create2DeployerTransaction }).catch((cause) => {
    throw new DeploymentError('This chain refused the deterministic deployer transaction.', {
      cause,
      details: 'It is a pre-EIP-155 transaction; the node must accept unprotected transactions.',
    });
  });
  await waitForTransactionReceipt(client, { hash });
  if (!(await hasCode(client, create2DeployerAddress)))
    throw new DeploymentError('The deterministic deployer was not deployed.');
}

async function readStake(client: DeployClient, factory: Address) {
  const info = await readContract(client, {
    address: entryPointAddress,
    abi: entryPoint08Abi,
    functionName: 'getDepositInfo',
    args: [factory],
  });
  return { amount: info.stake, unstakeDelaySec: info.unstakeDelaySec };
}

async function ensureStake(
  client: DeployClient,
  factory: Address,
  target: FactoryStake,
  onProgress: (message: string) => void,
) {
  const current = await readStake(client, factory);
  if (current.amount >= target.amount && current.unstakeDelaySec >= target.unstakeDelaySec) {
    onProgress(`Account factory already staked (${current.amount} wei, ${current.unstakeDelaySec} s delay)`);
    return current;
  }
  const hash = await sendTransaction(client, {
    to: factory,
    value: target.amount > current.amount ? target.amount - current.amount : 0n,
    data: encodeAddStake(Math.max(target.unstakeDelaySec, current.unstakeDelaySec)),
    chain: client.chain,
    account: client.account,
  });
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status !== 'success') throw new DeploymentError('Staking the account factory failed.', { details: hash });
  const after = await readStake(client, factory);
  onProgress(`Account factory staked: ${after.amount} wei, ${after.unstakeDelaySec} s unstake delay`);
  return after;
}

function encodeAddStake(unstakeDelaySec: number): Hex {
  return encodeFunctionData({ abi: leashAccountFactoryAbi, functionName: 'addStake', args: [unstakeDelaySec] });
}

async function hasCode(client: DeployClient, address: Address): Promise<boolean> {
  const code = await getCode(client, { address });
  return code !== undefined && code !== '0x';
}
