import { type Address, formatUnits } from 'viem';
import {
  Erc20SpendLimitExceededError,
  GasSpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  SessionKeyViolationError,
  formatRefreshInterval,
  sessionKeyModuleAbi,
} from '@leash/sdk';
import { CliError, exitCodes } from './errors.js';
import { native, tokenInfo } from './format.js';
import type { Target } from './target.js';

type SpendError = Erc20SpendLimitExceededError | NativeTokenSpendLimitExceededError | GasSpendLimitExceededError;

/**
 * Turns a session key refusal into the CLI's error: `refused: <rule> of <limit> <period>: used …, attempted …`, in token
 * units, exit code 3, and every number in the `--json` details. Other errors pass through unchanged.
 */
export async function explainRefusal(error: unknown, context: { target: Target; account: Address; key: Address }): Promise<unknown> {
  if (!(error instanceof SessionKeyViolationError)) return error;
  const base = { name: error.name, rule: error.rule };
  if (!isSpendError(error)) {
    return new CliError(`refused: ${error.shortMessage}`, {
      exitCode: exitCodes.refused,
      // Without a cause the details are the SDK's own explanation; with one they repeat the bundler's raw message.
      hint: error.cause === undefined && error.details ? error.details : undefined,
      details: { ...base, ...pick(error, ['target', 'selector', 'reason', 'token', 'required', 'actual', 'kind', 'validFrom', 'validUntil']) },
      cause: error,
    });
  }
  const { target, account, key } = context;
  const read = (functionName: string, args: readonly unknown[]) =>
    target.publicClient.readContract({ address: target.addresses.sessionKeyModule, abi: sessionKeyModuleAbi, functionName, args } as never) as Promise<any>;
  let unit: { symbol: string; decimals: number } = native;
  let what: string;
  let refreshInterval: number | undefined;
  try {
    if (error instanceof Erc20SpendLimitExceededError) {
      unit = await tokenInfo(target.publicClient, error.token);
      what = 'ERC-20 spend limit';
      refreshInterval = Number((await read('getErc20SpendLimit', [account, key, error.token])).refreshInterval);
    } else {
      const info = await read('getSessionKeyInfo', [account, key]);
      what = error instanceof GasSpendLimitExceededError ? 'gas spend limit' : 'native token spend limit';
      refreshInterval = Number((error instanceof GasSpendLimitExceededError ? info.gasSpend : info.nativeTokenSpend).refreshInterval);
    }
  } catch {
    // The numbers are in the error; the period and the token's units only make them easier to read.
    what = error instanceof Erc20SpendLimitExceededError ? 'ERC-20 spend limit' : error instanceof GasSpendLimitExceededError ? 'gas spend limit' : 'native token spend limit';
  }
  const amount = (value: bigint) => formatUnits(value, unit.decimals);
  const period = refreshInterval === undefined ? '' : ` ${formatRefreshInterval(refreshInterval)}`;
  const message =
    `refused: ${what} of ${amount(error.limit)} ${unit.symbol}${period}: ` +
    `used ${amount(error.used)}, attempted ${amount(error.attempted)}, remaining ${amount(error.remaining)}`;
  return new CliError(message, {
    exitCode: exitCodes.refused,
    hint: error instanceof GasSpendLimitExceededError ? 'An op counts at its maximum cost (all gas limits × maxFeePerGas) unless a paymaster pays.' : undefined,
    details: {
      ...base,
      ...(error instanceof Erc20SpendLimitExceededError ? { token: error.token } : {}),
      symbol: unit.symbol,
      decimals: unit.decimals,
      refreshInterval,
      limit: error.limit,
      used: error.used,
      attempted: error.attempted,
      remaining: error.remaining,
    },
    cause: error,
  });
}

function isSpendError(error: SessionKeyViolationError): error is SpendError {
  return (
    error instanceof Erc20SpendLimitExceededError || error instanceof NativeTokenSpendLimitExceededError || error instanceof GasSpendLimitExceededError
  );
}

function pick(source: object, keys: string[]): Record<string, unknown> {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
