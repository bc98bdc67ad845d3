import { type Address, type Client, type PublicClient, type Transport } from 'viem';
import { type SmartAccount, createBundlerClient, entryPoint08Abi, estimateUserOperationGas } from 'viem/account-abstraction';
import { readContract } from 'viem/actions';

/**
 * Verification gas the account's prefund payment costs during validation, beyond what bundlers estimate. The SDK
 * adds it when the account's EntryPoint deposit does not cover the op; an op signed ahead of time, to be sent after
 * the deposit has changed, should carry it whatever the deposit is now.
 *
 * @example
 * ```ts
 * const op = await client.prepareUserOperation({ calls })
 * const signedLater = { ...op, verificationGasLimit: op.verificationGasLimit + prefundGas.depositUpdate }
 * ```
 */
export const prefundGas = { firstDeposit: 45_000n, depositUpdate: 25_000n } as const;

/** The gas fields of an op, as estimated. */
type GasFields = {
  sender: Address;
  paymaster?: unknown;
  verificationGasLimit: bigint;
  callGasLimit: bigint;
  preVerificationGas: bigint;
  paymasterVerificationGasLimit?: bigint | undefined;
  paymasterPostOpGasLimit?: bigint | undefined;
  maxFeePerGas?: bigint | undefined;
};

/**
 * Bundlers estimate verification gas with the account's prefund already in the EntryPoint; when the account must
 * still pay it during validation (a value transfer to the EntryPoint and its deposit update), the op needs more. Adds
 * that gas when the account's deposit (in `entryPoint`) does not cover the op's maximum cost and no paymaster pays.
 */
export async function withPrefundGas(publicClient: Client, op: GasFields, entryPoint: Address) {
  const gas = {
    verificationGasLimit: op.verificationGasLimit,
    callGasLimit: op.callGasLimit,
    preVerificationGas: op.preVerificationGas,
    paymasterVerificationGasLimit: op.paymasterVerificationGasLimit,
    paymasterPostOpGasLimit: op.paymasterPostOpGasLimit,
  };
  if (op.paymaster) return gas;
  // balanceOf is the same function in EntryPoint v0.7 and v0.8.
  const deposit = await readContract(publicClient, { address: entryPoint, abi: entryPoint08Abi, functionName: 'balanceOf', args: [op.sender] });
  // Measured on EntryPoint v0.8 through Alto's safe-mode simulation: an update of the deposit needs between 15,000
  // and 20,000 more verification gas, a first deposit (a zero slot written) about 20,000 more again; with margin.
  const extra = deposit === 0n ? prefundGas.firstDeposit : prefundGas.depositUpdate;
  const maxCost = (op.verificationGasLimit + extra + op.callGasLimit + op.preVerificationGas) * (op.maxFeePerGas ?? 0n);
  if (deposit >= maxCost) return gas;
  return { ...gas, verificationGasLimit: op.verificationGasLimit + extra };
}

/**
 * Parameters of {@link withPrefundGasEstimate}.
 *
 * @example
 * ```ts
 * const parameters: WithPrefundGasEstimateParameters = { client: publicClient, bundlerTransport: http(bundlerUrl) }
 * ```
 */
export type WithPrefundGasEstimateParameters = {
  /** The chain's public client (reads the account's EntryPoint deposit). */
  client: PublicClient;
  /** Transport to the bundler that estimates the op's gas. */
  bundlerTransport: Transport;
};

/**
 * Gives a SmartAccount built elsewhere (permissionless' Kernel and Nexus accounts, {@link toErc7579SmartAccount}) the
 * gas estimation {@link createLeashAccountClient} uses: the bundler's estimate plus the verification gas of paying the
 * op's prefund from the account's ETH, which bundlers leave out (an account with no EntryPoint deposit otherwise gets
 * "account internally reverts on oog"). Ops that a deposit or a paymaster covers are estimated as the bundler says.
 *
 * @example
 * ```ts
 * const { account } = await toExistingAccountOwner({ client: publicClient, address, owner, addresses })
 * const ownerClient = createBundlerClient({
 *   account: withPrefundGasEstimate(account, { client: publicClient, bundlerTransport: http(bundlerUrl) }),
 *   client: publicClient,
 *   transport: http(bundlerUrl),
 * })
 * ```
 */
export function withPrefundGasEstimate<account extends SmartAccount>(account: account, parameters: WithPrefundGasEstimateParameters): account {
  const { client, bundlerTransport } = parameters;
  const estimator = createBundlerClient({ client, transport: bundlerTransport });
  const entryPoint = account.entryPoint.address;
  return Object.assign(account, {
    userOperation: {
      ...account.userOperation,
      estimateGas: async (request: Parameters<NonNullable<NonNullable<SmartAccount['userOperation']>['estimateGas']>>[0]) => {
        const gas = await estimateUserOperationGas(estimator, { ...request, entryPointAddress: entryPoint } as never);
        return withPrefundGas(client, { ...request, ...gas } as never, entryPoint);
      },
    },
  });
}
