import { NativeTokenSpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { formatRefreshInterval } from '../../format/durations.js';
import { maxNativeTokenSpendLimit } from '../types.js';
import { accountSpendLimitKind } from './accountSpendLimit.js';
import { chargedBudget } from './shared.js';

/** The sum of the calls' values: `setNativeTokenSpendLimit` / `removeNativeTokenSpendLimit`. */
export const nativeTokenSpendLimitKind = accountSpendLimitKind({
  name: 'native token spend limit',
  permission: 'the native token spend limit',
  field: 'nativeTokenSpendLimit',
  spendingField: 'nativeToken',
  set: 'setNativeTokenSpendLimit',
  remove: 'removeNativeTokenSpendLimit',
  max: maxNativeTokenSpendLimit,
  lensStatus: (lens) => lens.info.nativeTokenSpend,
  describe(limit, { native, nativeAmount }) {
    if (limit === 'unlimited') return `May send any amount of ${native.symbol}`;
    if (limit.spendLimit === 0n) return `No native token: calls may not send ${native.symbol}`;
    return `Sends at most ${nativeAmount(limit.spendLimit)} ${formatRefreshInterval(limit.refreshInterval)}`;
  },
  charges: (lens, op) => (op.calls.some((call) => (call.value ?? 0n) > 0n) ? chargedBudget(lens.info.nativeTokenSpend, 'native token limit') : []),
  check(lens, op) {
    const status = lens.info.nativeTokenSpend;
    const attempted = op.calls.reduce((sum, call) => sum + (call.value ?? 0n), 0n);
    if (status.hasLimit && attempted > 0n && attempted > status.remaining)
      return new NativeTokenSpendLimitExceededError({ limit: status.limit, used: status.used, attempted });
    return undefined;
  },
  refusal: { error: NativeTokenSpendLimitExceededError, what: 'native token spend limit' },
  errors: {
    NativeTokenSpendLimitExceeded: ([limit, used, attempted], cause) =>
      new NativeTokenSpendLimitExceededError({ limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
  },
});
