import { GasSpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { formatRefreshInterval } from '../../format/durations.js';
import { maxGasSpendLimit } from '../types.js';
import { accountSpendLimitKind } from './accountSpendLimit.js';
import { chargedBudget } from './shared.js';

/** What the key's ops may cost in gas when the account pays: `setGasSpendLimit` / `removeGasSpendLimit`. */
export const gasSpendLimitKind = accountSpendLimitKind({
  name: 'gas spend limit',
  permission: 'the gas spend limit',
  field: 'gasSpendLimit',
  spendingField: 'gas',
  set: 'setGasSpendLimit',
  remove: 'removeGasSpendLimit',
  max: maxGasSpendLimit,
  lensStatus: (lens) => lens.info.gasSpend,
  describe(limit, { nativeAmount }) {
    if (limit === 'unlimited') return 'Gas: no limit';
    if (limit.spendLimit === 0n) return 'Gas: the account may not pay for this key’s ops (a paymaster must)';
    return `Gas paid by the account: at most ${nativeAmount(limit.spendLimit)} ${formatRefreshInterval(limit.refreshInterval)}`;
  },
  charges: (lens, op) => (op.paymasterPays ? [] : chargedBudget(lens.info.gasSpend, 'gas limit')),
  // The module counts an op at its maximum cost when the account pays; the dry run knows it once gas is estimated.
  check(lens, op) {
    const status = lens.info.gasSpend;
    if (op.paymasterPays || op.maxCost === undefined || !status.hasLimit) return undefined;
    if (op.maxCost > status.remaining) return new GasSpendLimitExceededError({ limit: status.limit, used: status.used, attempted: op.maxCost });
    return undefined;
  },
  refusal: {
    error: GasSpendLimitExceededError,
    what: 'gas spend limit',
    short: 'gas',
    hint: 'An op counts at its maximum cost (all gas limits × maxFeePerGas) unless a paymaster pays.',
  },
  errors: {
    GasSpendLimitExceeded: ([limit, used, attempted], cause) =>
      new GasSpendLimitExceededError({ limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
  },
});
