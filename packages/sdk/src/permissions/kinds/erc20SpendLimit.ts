import { type Address, type Hex, formatUnits } from 'viem';
import { Erc20FunctionNotAllowedError, Erc20SpendLimitExceededError } from '../../errors/sessionKeyErrors.js';
import { formatRefreshInterval } from '../../format/durations.js';
import { DuplicatePermissionError } from '../errors.js';
import { type SessionKeyErc20SpendLimit, type SessionKeySpendLimit, maxErc20SpendLimit } from '../types.js';
import { normalizeLimitParameters, normalizeRefreshInterval, normalizeSpendLimit, normalizeTarget } from '../validate.js';
import type { PermissionKind } from './kind.js';
import { argsOf, chargedBudget, compareHex, copyLimit, encodeUpdate, explainSpend, limitOf, periodOfStatus, statusOf } from './shared.js';

type State = Map<string, SessionKeyErc20SpendLimit>;

const sorted = (state: State) => [...state.values()].sort((a, b) => compareHex(a.tokenAddress, b.tokenAddress));

/** Per-token limits: `setErc20SpendLimit` / `removeErc20SpendLimit`; a limited token allows only transfer and approve. */
export const erc20SpendLimitKind: PermissionKind<State> = {
  name: 'ERC-20 spend limit',
  updates: ['setErc20SpendLimit', 'removeErc20SpendLimit'],
  create: () => new Map(),
  decode(state, update, context) {
    if (update.functionName === 'removeErc20SpendLimit') {
      const tokenAddress = normalizeTarget(argsOf(update, 'removeErc20SpendLimit')[0], { field: 'token', context });
      state.set(tokenAddress.toLowerCase(), { tokenAddress, limit: 'unlimited' });
      return;
    }
    const [token, spendLimit, refreshInterval] = argsOf(update, 'setErc20SpendLimit');
    const tokenAddress = normalizeTarget(token, { field: 'token', context });
    state.set(tokenAddress.toLowerCase(), {
      tokenAddress,
      limit: {
        spendLimit: normalizeSpendLimit(spendLimit, maxErc20SpendLimit, { field: 'spendLimit', context }),
        refreshInterval: normalizeRefreshInterval(refreshInterval, { field: 'refreshInterval', context }),
      },
    });
  },
  encode: (state) =>
    sorted(state).map(({ tokenAddress, limit }) =>
      limit === 'unlimited'
        ? encodeUpdate('removeErc20SpendLimit', tokenAddress)
        : encodeUpdate('setErc20SpendLimit', tokenAddress, limit.spendLimit, limit.refreshInterval),
    ),
  toPermissions(state, permissions) {
    if (state.size > 0) permissions.erc20SpendLimits = sorted(state).map(({ tokenAddress, limit }) => ({ tokenAddress, limit: copyLimit(limit) }));
  },
  fromPermissions(state, permissions) {
    for (const { tokenAddress, limit } of permissions.erc20SpendLimits ?? []) {
      if (limit === 'unlimited') removeErc20SpendLimit(state, { tokenAddress });
      else addErc20SpendLimit(state, { tokenAddress, ...limit });
    }
  },
  describe({ erc20SpendLimits }, { token: tokenOf }) {
    return (erc20SpendLimits ?? []).map(({ tokenAddress, limit }) => {
      const token = tokenOf(tokenAddress);
      const name = token?.symbol ? `${token.symbol} (${tokenAddress})` : `token ${tokenAddress}`;
      if (limit === 'unlimited') return `No spend limit on ${name}: the access list alone governs it`;
      if (limit.spendLimit === 0n) return `May not spend ${name}`;
      const amount =
        token?.decimals !== undefined
          ? `${formatUnits(limit.spendLimit, token.decimals)} ${token.symbol ? name : `of ${name}`}`
          : `${limit.spendLimit} base units of ${name}`;
      return `Spends at most ${amount} ${formatRefreshInterval(limit.refreshInterval)}, through transfer and approve only`;
    });
  },
  read({ targets }) {
    const limited = targets.filter((rule) => rule.erc20Spend.hasLimit).sort((a, b) => compareHex(a.target, b.target));
    return {
      permissions: { erc20SpendLimits: limited.map((rule) => ({ tokenAddress: rule.target, limit: limitOf(rule.erc20Spend) })) },
      spending: {
        erc20: limited.map((rule) => ({ tokenAddress: rule.target, status: statusOf(rule.erc20Spend) as Exclude<ReturnType<typeof statusOf>, 'unlimited'> })),
      },
    };
  },
  charges(lens, op) {
    const called = new Set(op.calls.map((call) => call.to.toLowerCase()));
    return lens.targets
      .filter((rule) => called.has(rule.target.toLowerCase()))
      .flatMap((rule) => chargedBudget(rule.erc20Spend, `ERC-20 limit of ${rule.target}`));
  },
  explain(error, context) {
    if (!(error instanceof Erc20SpendLimitExceededError)) return undefined;
    const unit = context.tokens(error.token) ?? { symbol: `base units of ${error.token}`, decimals: 0 };
    const status = context.state?.spending.erc20.find((t) => t.tokenAddress.toLowerCase() === error.token.toLowerCase())?.status;
    return explainSpend(error, { what: 'ERC-20 spend limit', short: unit.symbol, unit, refreshInterval: periodOfStatus(status) }, context);
  },
  errors: {
    Erc20SpendLimitExceeded: ([token, limit, used, attempted], cause) =>
      new Erc20SpendLimitExceededError({ token: token as Address, limit: limit as bigint, used: used as bigint, attempted: attempted as bigint, cause }),
    Erc20FunctionNotAllowed: ([token, selector], cause) => new Erc20FunctionNotAllowedError({ token: token as Address, selector: selector as Hex, cause }),
  },
};

/** The builder's `addErc20TokenSpendLimit`. */
export function addErc20SpendLimit(
  state: State,
  parameters: { tokenAddress: Address; spendLimit: bigint; refreshInterval?: number | bigint | undefined },
  context = 'addErc20TokenSpendLimit',
): void {
  const tokenAddress = normalizeTarget(parameters.tokenAddress, { field: 'tokenAddress', context });
  put(state, { tokenAddress, limit: normalizeLimitParameters(parameters, maxErc20SpendLimit, context) as SessionKeySpendLimit }, context);
}

/** The builder's `removeErc20TokenSpendLimit`. */
export function removeErc20SpendLimit(state: State, parameters: { tokenAddress: Address }, context = 'removeErc20TokenSpendLimit'): void {
  const tokenAddress = normalizeTarget(parameters.tokenAddress, { field: 'tokenAddress', context });
  put(state, { tokenAddress, limit: 'unlimited' }, context);
}

function put(state: State, limit: SessionKeyErc20SpendLimit, context: string): void {
  const key = limit.tokenAddress.toLowerCase();
  if (state.has(key)) throw new DuplicatePermissionError({ permission: `the ERC-20 spend limit of token ${limit.tokenAddress}`, context });
  state.set(key, limit);
}
