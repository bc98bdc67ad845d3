import { type Address, type PublicClient, erc20Abi } from 'viem';
import { type FormatAmountOptions, type SpendLimitStatus, formatAmount, formatDuration, formatRefreshInterval } from '@leash/sdk';
import { CliError } from './errors.js';

/** What the CLI shows of a token: its symbol and decimals. */
export type TokenInfo = { address: Address; symbol: string; decimals: number };

const tokenCache = new Map<string, Promise<TokenInfo>>();

/** Reads a token's symbol and decimals (once per process); fails clearly when the address is not an ERC-20 token. */
export function tokenInfo(client: PublicClient, token: Address): Promise<TokenInfo> {
  const key = `${client.chain?.id}:${token.toLowerCase()}`;
  let info = tokenCache.get(key);
  if (!info) {
    info = (async () => {
      let decimals: number;
      try {
        decimals = await client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' });
      } catch (cause) {
        throw new CliError(`Could not read decimals() of ${token}: is it an ERC-20 token on chain ${client.chain?.id}?`, { cause });
      }
      const symbol = await client.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' }).catch(() => 'tokens');
      return { address: token, symbol, decimals };
    })();
    tokenCache.set(key, info);
    info.catch(() => tokenCache.delete(key));
  }
  return info;
}

/** The native currency, as the CLI shows it. */
export const native = { symbol: 'ETH', decimals: 18 } as const;

/** How tables show amounts: at most 6 decimals, marked `≈` when rounded (the SDK's `formatAmount` does the work). */
export const short: FormatAmountOptions = { maxDecimals: 6 };

/** A timestamp (seconds) as `2030-01-31 12:00:00Z`. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** `2030-01-31 12:00:00Z (in 3d 4h)` or `… (5m ago)`. */
export function formatTimeFromNow(seconds: number, now: number): string {
  const delta = seconds - now;
  return `${formatTime(seconds)} (${delta >= 0 ? `in ${formatDuration(delta, { compact: true })}` : `${formatDuration(-delta, { compact: true })} ago`})`;
}

/** A key's validity window in words, relative to `now`. */
export function formatValidity(range: { validFrom: number | undefined; validUntil: number | undefined }, now: number): string {
  const { validFrom, validUntil } = range;
  if (validUntil !== undefined && validUntil < now) return `expired ${formatDuration(now - validUntil, { compact: true })} ago (${formatTime(validUntil)})`;
  if (validFrom !== undefined && validFrom > now)
    return `not yet: from ${formatTimeFromNow(validFrom, now)}${validUntil !== undefined ? ` until ${formatTime(validUntil)}` : ''}`;
  if (validUntil !== undefined) return `until ${formatTimeFromNow(validUntil, now)}`;
  return 'no expiry';
}

/** A limit as `100 dUSD per week`, `0.01 ETH in total`. */
export function formatLimit(status: Pick<SpendLimitStatus, 'limit' | 'refreshInterval'>, unit: { symbol: string; decimals: number }): string {
  return `${formatAmount(status.limit, unit, short)} ${formatRefreshInterval(status.refreshInterval)}`;
}
