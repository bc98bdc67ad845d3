import type { Address } from 'viem';
import { Erc20SpendLimitExceededError, type SessionKeyState, SessionKeyViolationError, SpendLimitExceededError, explainRefusal as explain } from '@leash/sdk';
import { CliError, exitCodes } from './errors.js';
import { type TokenInfo, native, tokenInfo } from './format.js';
import { type Target, readClient } from './target.js';

/**
 * Turns a session key refusal into the CLI's error: `refused: <rule> of <limit> <period>: used …, attempted …`, in token
 * units (the SDK's `explainRefusal`), exit code 3, and every number in the `--json` details. Other errors pass through
 * unchanged.
 */
export async function explainRefusal(error: unknown, context: { target: Target; account: Address; key: Address }): Promise<unknown> {
  if (!(error instanceof SessionKeyViolationError)) return error;
  const { target, account, key } = context;
  let state: SessionKeyState | undefined;
  let token: TokenInfo | undefined;
  if (error instanceof SpendLimitExceededError) {
    // The numbers are in the error; the period (one read through the lens) and the token's units make them readable.
    [state, token] = await Promise.all([
      readClient(target, account)
        .then((client) => client.getSessionKeyPermissions({ key, account }))
        .catch(() => undefined),
      error instanceof Erc20SpendLimitExceededError ? tokenInfo(target.publicClient, error.token).catch(() => undefined) : undefined,
    ]);
  }
  const explained = explain(error, { state, nativeCurrency: native, tokens: () => token })!;
  const base = { name: error.name, rule: error.rule };
  const details =
    error instanceof SpendLimitExceededError
      ? {
          ...base,
          ...(error instanceof Erc20SpendLimitExceededError ? { token: error.token } : {}),
          symbol: explained.unit?.symbol,
          decimals: explained.unit?.decimals,
          refreshInterval: explained.refreshInterval,
          limit: error.limit,
          used: error.used,
          attempted: error.attempted,
          remaining: error.remaining,
        }
      : { ...base, ...pick(error, ['target', 'selector', 'reason', 'token', 'required', 'actual', 'kind', 'validFrom', 'validUntil', 'nonce', 'chainId', 'account', 'grantGeneration', 'generation', 'statedTime', 'keyType', 'index']) };
  return new CliError(`refused: ${explained.summary}`, { exitCode: exitCodes.refused, hint: explained.hint, details, cause: error });
}

function pick(source: object, keys: string[]): Record<string, unknown> {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
