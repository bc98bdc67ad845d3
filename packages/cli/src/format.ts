import { type Address, type PublicClient, erc20Abi, formatUnits } from 'viem';
import { type SpendLimitStatus, formatRefreshInterval } from '@leash/sdk';
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

/** `12.5 dUSD`, `0.1 ETH`: exact. */
export function formatAmount(amount: bigint, unit: { symbol: string; decimals: number }): string {
  return `${formatUnits(amount, unit.decimals)} ${unit.symbol}`;
}

/** Like {@link formatAmount}, but with at most 6 decimal places, marked `≈` when rounded (for tables). */
export function formatAmountShort(amount: bigint, unit: { symbol: string; decimals: number }): string {
  const exact = formatUnits(amount, unit.decimals);
  const [whole, fraction = ''] = exact.split('.');
  if (fraction.length <= 6) return `${exact} ${unit.symbol}`;
  const rounded = Number(`0.${fraction}`).toFixed(6).slice(2).replace(/0+$/, '');
  // Rounding up to a whole unit (0.9999999 → 1) is rare enough to show as the next unit.
  if (rounded === '' && Number(`0.${fraction}`) >= 0.5) return `≈${BigInt(whole!) + 1n} ${unit.symbol}`;
  return `≈${whole}${rounded ? `.${rounded}` : ''} ${unit.symbol}`;
}

/** A timestamp (seconds) as `2030-01-31 12:00:00Z`. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** A span of seconds as `3d 4h`, `59m 10s` or `12s` (the two largest units). */
export function formatSpan(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [size, unit] of [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ] as const) {
    if (rest >= size || (size === 1 && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

/** `2030-01-31 12:00:00Z (in 3d 4h)` or `… (5m ago)`. */
export function formatTimeFromNow(seconds: number, now: number): string {
  const delta = seconds - now;
  return `${formatTime(seconds)} (${delta >= 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`})`;
}

/** A key's validity window in words, relative to `now`. */
export function formatValidity(range: { validFrom: number | undefined; validUntil: number | undefined }, now: number): string {
  const { validFrom, validUntil } = range;
  if (validUntil !== undefined && validUntil < now) return `expired ${formatSpan(now - validUntil)} ago (${formatTime(validUntil)})`;
  if (validFrom !== undefined && validFrom > now)
    return `not yet: from ${formatTimeFromNow(validFrom, now)}${validUntil !== undefined ? ` until ${formatTime(validUntil)}` : ''}`;
  if (validUntil !== undefined) return `until ${formatTimeFromNow(validUntil, now)}`;
  return 'no expiry';
}

/** A limit as `100 dUSD per week`, `0.01 ETH in total`. */
export function formatLimit(status: Pick<SpendLimitStatus, 'limit' | 'refreshInterval'>, unit: { symbol: string; decimals: number }): string {
  return `${formatAmountShort(status.limit, unit)} ${formatRefreshInterval(status.refreshInterval)}`;
}
