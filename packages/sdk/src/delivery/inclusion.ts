import { type Address, type Client, type Hex, decodeErrorResult, encodeFunctionData } from 'viem';
import { type UserOperation, entryPoint08Abi, toPackedUserOperation } from 'viem/account-abstraction';
import { call } from 'viem/actions';
import { entryPointAddress } from '../constants.js';
import { decodeSessionKeyModuleError } from '../errors/decodeSessionKeyModuleError.js';
import { chainOf } from './retry.js';

/**
 * Whether a signed op could be included now, as the EntryPoint decides it: `includable`, or not with the EntryPoint's
 * reason (e.g. "AA25 invalid account nonce", "AA22 expired or not due") and, when the account's validator refused it
 * with a known rule, that rule as a typed error (e.g. {@link Erc20SpendLimitExceededError}).
 *
 * @example
 * ```ts
 * const check: InclusionCheck = { includable: false, reason: 'AA25 invalid account nonce' }
 * ```
 */
export type InclusionCheck = { includable: true } | { includable: false; reason: string; refusal?: Error | undefined };

// Any address without code: the EntryPoint's handleOps wants its caller to be the transaction's origin.
const checker: Address = '0x000000000000000000000000000000000000dEaD';

function revertDataOf(error: unknown): Hex | undefined {
  for (const e of chainOf(error)) if (typeof e.data === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(e.data)) return e.data as Hex;
  return undefined;
}

/**
 * Runs the EntryPoint's `handleOps` with the op alone as an `eth_call` on the latest block: the check a bundler makes
 * before it includes the op (its nonce, signature, validity window, the validator's rules, its prefund). Execution
 * failures do not make handleOps revert, so only validation decides. Used while a bundler holds an op, to tell an op
 * that is merely waiting from one that can no longer be included. Throws when the node cannot be asked.
 *
 * @example
 * ```ts
 * const check = await checkUserOperationInclusion(publicClient, { userOperation: signedOp })
 * if (!check.includable) console.log(check.reason, check.refusal?.message)
 * ```
 */
export async function checkUserOperationInclusion(
  publicClient: Client,
  parameters: { userOperation: UserOperation<'0.8'>; entryPoint?: Address | undefined },
): Promise<InclusionCheck> {
  const data = encodeFunctionData({
    abi: entryPoint08Abi,
    functionName: 'handleOps',
    args: [[toPackedUserOperation(parameters.userOperation as never)], checker],
  });
  try {
    await call(publicClient, { account: checker, to: parameters.entryPoint ?? entryPointAddress, data });
    return { includable: true };
  } catch (error) {
    const revertData = revertDataOf(error);
    if (!revertData) throw error;
    let decoded;
    try {
      decoded = decodeErrorResult({ abi: entryPoint08Abi, data: revertData });
    } catch {
      throw error;
    }
    if (decoded.errorName === 'FailedOp') return { includable: false, reason: decoded.args[1] };
    if (decoded.errorName === 'FailedOpWithRevert')
      return { includable: false, reason: decoded.args[1], refusal: decodeSessionKeyModuleError(decoded.args[2], error as Error) };
    throw error;
  }
}
