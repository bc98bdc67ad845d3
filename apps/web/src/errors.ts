import { BaseError } from 'viem';
import {
  CallNotAllowedError,
  Erc20FunctionNotAllowedError,
  Erc20SpendLimitExceededError,
  GasSpendLimitExceededError,
  LeashError,
  NativeTokenSpendLimitExceededError,
  SessionKeyModuleError,
  SessionKeyNotAuthorizedError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyPermissionError,
  SessionKeyViolationError,
} from '@leash/sdk';
import { ether, formatAmount, formatTimestamp } from './format.js';
import type { TokenInfo } from './tokens.js';

/** An error as the page shows it: a title, the numbers or reasons, and the rule it broke (for refused session ops). */
export type ExplainedError = { title: string; lines: string[]; rule?: string | undefined };

type SpendError = { limit: bigint; used: bigint; attempted: bigint; remaining: bigint };

function spendLines(error: SpendError, unit: { decimals: number; symbol: string }): string[] {
  return [
    `Limit: ${formatAmount(error.limit, unit)}`,
    `Already used: ${formatAmount(error.used, unit)}`,
    `Left: ${formatAmount(error.remaining, unit)}`,
    `This action: ${formatAmount(error.attempted, unit)}`,
  ];
}

/**
 * Turns an error into plain text: a refused session op names its rule and numbers in token units (the SDK's typed
 * errors carry them), other Leash and viem errors their short message.
 */
export function explainError(error: unknown, tokenInfo: (address: string) => TokenInfo | undefined = () => undefined): ExplainedError {
  if (error instanceof Erc20SpendLimitExceededError) {
    const token = tokenInfo(error.token) ?? { symbol: `base units of ${error.token}`, decimals: 0 };
    return { title: `Refused: over the session key's ${token.symbol} limit.`, lines: spendLines(error, token), rule: error.rule };
  }
  if (error instanceof NativeTokenSpendLimitExceededError)
    return { title: 'Refused: over the session key\'s ETH limit.', lines: spendLines(error, ether), rule: error.rule };
  if (error instanceof GasSpendLimitExceededError)
    return {
      title: 'Refused: over the session key\'s gas limit.',
      lines: [...spendLines(error, ether), 'An action counts at its maximum gas cost.'],
      rule: error.rule,
    };
  if (error instanceof SessionKeyOutsideTimeRangeError) {
    const lines = [
      error.validFrom ? `Valid from: ${formatTimestamp(error.validFrom)}` : undefined,
      error.validUntil ? `Valid until: ${formatTimestamp(error.validUntil)}` : undefined,
    ].filter((line): line is string => line !== undefined);
    return { title: 'Refused: the session key is expired or not valid yet.', lines, rule: error.rule };
  }
  if (error instanceof SessionKeyNotAuthorizedError)
    return {
      title: 'Refused: this key is not a session key of the account.',
      lines: ['It was revoked, rotated away or never added.'],
      rule: error.rule,
    };
  if (error instanceof CallNotAllowedError || error instanceof Erc20FunctionNotAllowedError || error instanceof SessionKeyViolationError)
    return { title: `Refused: ${error.shortMessage}`, lines: error.details ? [error.details] : [], rule: error.rule };
  if (error instanceof SessionKeyModuleError || error instanceof SessionKeyPermissionError || error instanceof LeashError)
    return { title: error.shortMessage, lines: error.details ? [error.details] : [] };
  if (error instanceof BaseError) return { title: error.shortMessage, lines: error.details ? [error.details] : [] };
  if (error instanceof Error) return { title: error.message, lines: [] };
  return { title: String(error), lines: [] };
}
