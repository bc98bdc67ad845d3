import type { Address, Hex } from 'viem';
import { type SessionKeyClient, capabilityOf } from '../account/capability.js';
import type { Call } from '../account/execution.js';
import { toSessionKeyError } from '../errors/decodeSessionKeyModuleError.js';
import { type SessionKeyModuleError, SessionKeyNotAuthorizedError, type SessionKeyViolationError } from '../errors/sessionKeyErrors.js';
import { readSessionKeyFromLens } from '../lens/readLens.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import { planTiming } from '../session/planTiming.js';
import { nowInSeconds } from '../session/toSessionKeyValidator.js';
import { sessionKeySignerOf } from './executeWithSessionKey.js';
import { isSessionKeyModuleInstalled } from './isSessionKeyModuleInstalled.js';

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
 * by how much. The key's state is read through the session key lens (one `eth_call`) and each permission kind checks
 * what it can tell from it (the call count, the native token, the required paymaster); the bundler then simulates
 * the op (every permission check of the module runs, with a stub signature that names the key); the gas limit is
 * checked last against the maximum cost of the op as it would be sent.
 *
 * @example
 * ```ts
 * const check = await sessionClient.checkSessionKeyCalls({ calls })
 * if (!check.ok) console.log(check.error.shortMessage) // 'Call limit exceeded: the op makes 3 calls, 1 of 20 left.'
 * ```
 */
export async function checkSessionKeyCalls(
  client: SessionKeyClient,
  parameters: CheckSessionKeyCallsParameters,
): Promise<CheckSessionKeyCallsReturnType> {
  const { calls, paymaster, maxWaitSeconds = 120 } = parameters;
  try {
    const sessionKey = await sessionKeySignerOf(client).getAddress();
    const account = client.account!.address;
    capabilityOf(client);
    if (!(await isSessionKeyModuleInstalled(client)))
      throw new SessionKeyNotAuthorizedError({ details: 'The session key module is not installed on the account.' });
    const lens = await readSessionKeyFromLens(client, { account, key: sessionKey });
    if (!lens) throw new SessionKeyNotAuthorizedError({ details: `${sessionKey} is not a session key of ${account} (never added, removed or revoked).` });
    const op = { calls, paymasterPays: paymaster !== undefined, paymaster: paymaster?.address };
    for (const kind of permissionKinds) {
      const refused = kind.check?.(lens, op);
      if (refused) throw refused;
    }
    const plan = planTiming(lens, { ...op, now: nowInSeconds(), maxWaitSeconds });
    // The op as executeWithSessionKey would send it: gas estimated the same way (with what the account's prefund
    // payment costs in validation), and its fees.
    const prepared = (await client
      .prepareUserOperation({
        calls: calls.map((c) => ({ to: c.to, value: c.value ?? 0n, data: c.data ?? '0x' })),
        nonce: await client.account!.getNonce({ key: 0n }),
        ...(paymaster ? { paymaster: paymaster.address, paymasterData: paymaster.data ?? '0x' } : {}),
      } as never)
      .catch((error: unknown) => {
        throw toSessionKeyError(error);
      })) as unknown as OpGas;
    // What the module counts against the gas limit when the account pays: the op's gas limits at its maxFeePerGas.
    const maxCost = paymaster ? 0n : (prepared.verificationGasLimit + prepared.callGasLimit + prepared.preVerificationGas) * prepared.maxFeePerGas;
    for (const kind of permissionKinds) {
      const refused = kind.check?.(lens, { ...op, maxCost });
      if (refused) throw refused;
    }
    return {
      ok: true,
      waitSeconds: plan.waitSeconds,
      validFrom: plan.validFrom,
      validUntil: plan.validUntil,
      gas: {
        verificationGasLimit: prepared.verificationGasLimit,
        callGasLimit: prepared.callGasLimit,
        preVerificationGas: prepared.preVerificationGas,
        maxFeePerGas: prepared.maxFeePerGas,
        maxCost,
      },
    };
  } catch (error) {
    return { ok: false, error: toSessionKeyError(error) as Error };
  }
}
