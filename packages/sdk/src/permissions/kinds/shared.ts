import { type Hex, encodeFunctionData } from 'viem';
import { sessionKeyPermissionUpdatesAbi } from '../../generated/ISessionKeyPermissionUpdates.js';
import type { LensSpendLimitStatus } from '../../lens/types.js';
import type { SpendLimitStatus } from '../state.js';
import type { SessionKeySpendLimit } from '../types.js';
import type { SpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { type AmountUnit, formatAmount } from '../../format/amounts.js';
import { formatRefreshInterval } from '../../format/durations.js';
import type { ChargedBudget, ExplainContext, PermissionUpdate, PermissionUpdateName, RefusalExplanation } from './kind.js';

/** Encodes one permission update with the generated ABI. */
export function encodeUpdate<const N extends PermissionUpdateName>(
  functionName: N,
  ...args: Extract<PermissionUpdate, { functionName: N }>['args'] extends infer A ? (A extends readonly unknown[] ? A : []) : []
): Hex {
  return encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName, args } as never);
}

/** The arguments of a decoded update of a given function (the caller dispatched on its name). */
export function argsOf<const N extends PermissionUpdateName>(update: PermissionUpdate, _name: N): Extract<PermissionUpdate, { functionName: N }>['args'] {
  return update.args as never;
}

/** A budget as the SDK reports it, from the lens's status. */
export function statusOf(status: LensSpendLimitStatus): SpendLimitStatus | 'unlimited' {
  if (!status.hasLimit) return 'unlimited';
  const refreshInterval = Number(status.refreshInterval);
  return {
    limit: status.limit,
    used: status.used,
    remaining: status.remaining,
    refreshInterval,
    periodStart: refreshInterval ? Number(status.periodStart) : undefined,
    nextRefresh: refreshInterval ? Number(status.nextRefresh) : undefined,
  };
}

/** A spend limit as the builder takes it, from the lens's status. */
export function limitOf(status: LensSpendLimitStatus): SessionKeySpendLimit | 'unlimited' {
  return status.hasLimit ? { spendLimit: status.limit, refreshInterval: Number(status.refreshInterval) } : 'unlimited';
}

/** The budget an op charges, when it is limited and refreshes (lifetime limits do not narrow an op's window). */
export function chargedBudget(status: LensSpendLimitStatus, what: string): ChargedBudget[] {
  if (!status.hasLimit || !status.refreshInterval) return [];
  return [
    {
      what,
      refreshInterval: Number(status.refreshInterval),
      periodStart: Number(status.periodStart),
      nextRefresh: Number(status.nextRefresh),
    },
  ];
}

/** A fresh copy of a limit. */
export function copyLimit<L extends object>(limit: L | 'unlimited'): L | 'unlimited' {
  return limit === 'unlimited' ? limit : { ...limit };
}

/** Compares addresses or selectors without regard to case. */
export const compareHex = (a: string, b: string): number =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;

/** A single-valued permission (time range, a limit, the paymaster…): set at most once per builder. */
export type Single<T> = { value: T | undefined };

/** The period of a budget in the key's state, when the state is known and the budget limited. */
export const periodOfStatus = (status: SpendLimitStatus | 'unlimited' | undefined): number | undefined =>
  status && status !== 'unlimited' ? status.refreshInterval : undefined;

/**
 * A spend limit's refusal in words: `<what> of <limit> <period>: used …, attempted …, remaining …` and one line per
 * number, in the limit's unit.
 */
export function explainSpend(
  error: SpendLimitExceededError,
  spend: { what: string; short: string; unit: AmountUnit; refreshInterval: number | undefined; hint?: string | undefined },
  context: ExplainContext,
): RefusalExplanation {
  const amount = (value: bigint) => formatAmount(value, spend.unit, context.amounts);
  const bare = (value: bigint) => formatAmount(value, { ...spend.unit, symbol: '' }, context.amounts);
  const period = spend.refreshInterval === undefined ? '' : ` ${formatRefreshInterval(spend.refreshInterval)}`;
  return {
    rule: error.rule,
    title: `Refused: over the session key's ${spend.short} limit.`,
    summary: `${spend.what} of ${amount(error.limit)}${period}: used ${bare(error.used)}, attempted ${bare(error.attempted)}, remaining ${bare(error.remaining)}`,
    lines: [
      `Limit: ${amount(error.limit)}${period}`,
      `Already used: ${amount(error.used)}`,
      `Left: ${amount(error.remaining)}`,
      `This action: ${amount(error.attempted)}`,
      ...(spend.hint ? [spend.hint] : []),
    ],
    hint: spend.hint,
    unit: spend.unit,
    refreshInterval: spend.refreshInterval,
  };
}
