import type { SessionKeyPermissions } from './types.js';

/**
 * A permission set that is valid but will refuse ops in a way its author likely did not mean.
 * `no-gas-budget`: the key has a gas limit of 0 (a new key's default) and no required paymaster, so the account may
 * not pay for any of its ops and no paymaster is guaranteed to: every op is refused unless it happens to use one.
 *
 * @example
 * ```ts
 * for (const warning of builder.warnings()) console.warn(warning.message, warning.fix)
 * ```
 */
export type PermissionWarning = {
  code: 'no-gas-budget';
  /** What will happen, in one sentence. */
  message: string;
  /** How to change it. */
  fix: string;
};

/** The fix for a key that cannot pay for gas, the same words everywhere (SDK error, builder, CLI, web). */
export const noGasBudgetFix =
  'Give it a gas budget (setGasSpendLimit({ spendLimit: parseEther("0.01"), refreshInterval: DAY }); CLI: --gas 0.01eth/day), ' +
  'lift the limit (removeGasSpendLimit(); CLI: --gas unlimited), or require a paymaster that pays (setRequiredPaymaster).';

/**
 * Warnings about permissions for a new key (unset permissions read as a new key's defaults: no gas budget, no
 * required paymaster). For an update of an existing key, pass the key's resulting permissions.
 *
 * @example
 * ```ts
 * permissionWarnings({ nativeTokenSpendLimit: { spendLimit: 1n } })
 * // [{ code: 'no-gas-budget', message: 'The key has no gas budget and no required paymaster: …', fix: '…' }]
 * ```
 */
export function permissionWarnings(permissions: SessionKeyPermissions): PermissionWarning[] {
  const gas = permissions.gasSpendLimit;
  const noGasBudget = gas === undefined || (gas !== 'unlimited' && gas.spendLimit === 0n);
  const paymasterRequired = permissions.requiredPaymaster !== undefined && permissions.requiredPaymaster !== null;
  if (!noGasBudget || paymasterRequired) return [];
  return [
    {
      code: 'no-gas-budget',
      message:
        'The key has no gas budget and no required paymaster: the account may not pay for its ops, so each op is refused unless a paymaster pays.',
      fix: noGasBudgetFix,
    },
  ];
}
