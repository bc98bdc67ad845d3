import type { Address, Hex } from 'viem';
import { readContract } from 'viem/actions';
import type { Call } from '../account/execution.js';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import {
  GasSpendLimitExceededError,
  type SessionKeyModuleError,
  SessionKeyNotAuthorizedError,
  type SessionKeyViolationError,
  toSessionKeyError,
} from '../errors/sessionKeyErrors.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import { planSessionOpTiming } from '../session/planTiming.js';
import { nowInSeconds } from '../session/toSessionKeyValidator.js';
import { isSessionKeyModuleInstalled } from './isSessionKeyModuleInstalled.js';
import { sessionValidatorOf } from './executeWithSessionKey.js';

type OpGas = { verificationGasLimit: bigint; callGasLimit: bigint; preVerificationGas: bigint; maxFeePerGas: bigint };

/**
 * Parameters of {@link checkSessionKeyCalls}.
 *
 * @example
 * ```ts
 * const check = await sessionClient.checkSessionKeyCalls({ calls, paymaster: { address: paymaster }, maxWaitSeconds: 30 })
 * ```
 */
export type CheckSessionKeyCallsParameters = {
  calls: readonly Call[];
  /** The paymaster the op would use, if any. */
  paymaster?: { address: Address; data?: Hex | undefined } | undefined;
  /** Longest acceptable wait for a validity window, in seconds. Default 120. */
  maxWaitSeconds?: number | undefined;
};

/**
 * The outcome of {@link checkSessionKeyCalls}.
 *
 * @example
 * ```ts
 * const check = await sessionClient.checkSessionKeyCalls({ calls })
 * if (check.ok) console.log(`can be sent in ${check.waitSeconds} s, costing at most ${formatEther(check.gas.maxCost)} ETH`)
 * else if (check.error instanceof Erc20SpendLimitExceededError) console.log(check.error.remaining)
 * ```
 */
export type CheckSessionKeyCallsReturnType =
  | {
      ok: true;
      /** Seconds to wait before the op can be sent (near a period boundary), 0 when it can go now. */
      waitSeconds: number;
      /** The op's validity window if sent then (seconds, inclusive; undefined when open). */
      validFrom: number | undefined;
      validUntil: number | undefined;
      /** The op's gas limits and fee as it would be sent, and the most it could cost the account in wei (0 with a paymaster). */
      gas: { verificationGasLimit: bigint; callGasLimit: bigint; preVerificationGas: bigint; maxFeePerGas: bigint; maxCost: bigint };
    }
  | {
      ok: false;
      /** Why it would be refused: a {@link SessionKeyViolationError} with the rule and its numbers, or another error. */
      error: SessionKeyViolationError | SessionKeyModuleError | Error;
    };

/**
 * A dry run: says before sending whether a session op of these calls would pass, and if not, which rule refuses it and
 * by how much. The bundler simulates the op (every permission check of the module runs, with a stub signature that
 * names the key); the gas limit is then checked against the maximum cost of the op as it would be sent.
 *
 * @example
 * ```ts
 * const check = await sessionClient.checkSessionKeyCalls({ calls })
 * if (!check.ok) console.log(check.error.shortMessage) // 'ERC-20 spend limit exceeded for token 0x…'
 * ```
 */
export async function checkSessionKeyCalls(
  client: LeashAccountClient,
  parameters: CheckSessionKeyCallsParameters,
): Promise<CheckSessionKeyCallsReturnType> {
  const { calls, paymaster, maxWaitSeconds = 120 } = parameters;
  try {
    const validator = sessionValidatorOf(client);
    const sessionKey = await validator.signer.getAddress();
    const module = client.account.addresses.sessionKeyModule;
    const account = client.account.address;
    if (!(await isSessionKeyModuleInstalled(client)))
      throw new SessionKeyNotAuthorizedError({ details: 'The session key module is not installed on the account.' });
    // Also refuses a key that is not (or no longer) the account's.
    const plan = await planSessionOpTiming(client, { sessionKey, calls, paymasterPays: paymaster !== undefined, now: nowInSeconds(), maxWaitSeconds });
    // The op as executeWithSessionKey would send it: gas estimated the same way (with what the account's prefund
    // payment costs in validation), and its fees.
    const op = (await client
      .prepareUserOperation({
        calls: calls.map((c) => ({ to: c.to, value: c.value ?? 0n, data: c.data ?? '0x' })),
        nonce: await client.account.getNonce({ key: 0n }),
        ...(paymaster ? { paymaster: paymaster.address, paymasterData: paymaster.data ?? '0x' } : {}),
      } as never)
      .catch((error: unknown) => {
        throw toSessionKeyError(error);
      })) as unknown as OpGas;
    let maxCost = 0n;
    if (!paymaster) {
      // What the module counts against the gas limit when the account pays: the op's gas limits at its maxFeePerGas.
      maxCost = (op.verificationGasLimit + op.callGasLimit + op.preVerificationGas) * op.maxFeePerGas;
      const info = await readContract(client.client, { address: module, abi: sessionKeyModuleAbi, functionName: 'getSessionKeyInfo', args: [account, sessionKey] });
      const gas = info.gasSpend;
      if (gas.hasLimit && maxCost > gas.remaining)
        throw new GasSpendLimitExceededError({ limit: gas.limit, used: gas.used, attempted: maxCost });
    }
    return {
      ok: true,
      waitSeconds: plan.waitSeconds,
      validFrom: plan.validFrom,
      validUntil: plan.validUntil,
      gas: {
        verificationGasLimit: op.verificationGasLimit,
        callGasLimit: op.callGasLimit,
        preVerificationGas: op.preVerificationGas,
        maxFeePerGas: op.maxFeePerGas,
        maxCost,
      },
    };
  } catch (error) {
    return { ok: false, error: toSessionKeyError(error) as Error };
  }
}
