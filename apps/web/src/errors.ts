import { BaseError } from 'viem';
import {
  LeashError,
  SessionKeyModuleError,
  SessionKeyPermissionError,
  type SessionKeyState,
  explainRefusal,
} from '@leash/sdk';
import { ether, formatTimestamp } from './format.js';
import type { TokenInfo } from './tokens.js';

/** An error as the page shows it: a title, the numbers or reasons, and the rule it broke (for refused session ops). */
export type ExplainedError = { title: string; lines: string[]; rule?: string | undefined };

/**
 * Turns an error into plain text: a refused session op names its rule and numbers in token units (the SDK's
 * `explainRefusal`), other Leash and viem errors their short message.
 */
export function explainError(
  error: unknown,
  tokenInfo: (address: string) => TokenInfo | undefined = () => undefined,
  state?: SessionKeyState | undefined,
): ExplainedError {
  const refusal = explainRefusal(error, {
    tokens: tokenInfo,
    nativeCurrency: ether,
    state,
    // At most 6 decimals, like ETH everywhere on the page (dUSD has 6 anyway).
    amounts: { groupThousands: true, maxDecimals: ether.displayDecimals },
    formatTimestamp,
  });
  if (refusal) return { title: refusal.title, lines: refusal.lines, rule: refusal.rule };
  if (error instanceof SessionKeyModuleError || error instanceof SessionKeyPermissionError || error instanceof LeashError)
    return { title: error.shortMessage, lines: error.details ? [error.details] : [] };
  if (error instanceof BaseError) return { title: error.shortMessage, lines: error.details ? [error.details] : [] };
  if (error instanceof Error) return { title: error.message, lines: [] };
  return { title: String(error), lines: [] };
}
