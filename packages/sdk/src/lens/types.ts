import type { ContractFunctionReturnType } from 'viem';
import type { sessionKeyLensAbi } from '../generated/ISessionKeyLens.js';

/**
 * Everything the lens returns about one key (`ISessionKeyLens.getSessionKey`), as viem decodes it: its info (tag,
 * time range, list type, anchor, native and gas budgets, paymaster), every contract its permissions name with the
 * contract's selectors and ERC-20 budget, and its call-count budget.
 *
 * @example
 * ```ts
 * const lensState: LensSessionKeyState = await readContract(publicClient, { address: lens, abi: sessionKeyLensAbi, functionName: 'getSessionKey', args: [module, account, key] })
 * ```
 */
export type LensSessionKeyState = ContractFunctionReturnType<typeof sessionKeyLensAbi, 'view', 'getSessionKey'>;

/**
 * A budget as the lens reports it (`ISessionKeyLens.SpendLimitStatus`).
 *
 * @example
 * ```ts
 * const gas: LensSpendLimitStatus = lensState.info.gasSpend
 * ```
 */
export type LensSpendLimitStatus = LensSessionKeyState['calls'];
