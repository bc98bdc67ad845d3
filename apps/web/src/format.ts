import { formatUnits } from 'viem';

/** `1234.5` → `1,234.5`: the integer part grouped in thousands, the fraction as is. */
function groupThousands(decimal: string): string {
  const [whole = '0', fraction] = decimal.split('.');
  const negative = whole.startsWith('-');
  const digits = negative ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

/**
 * An amount in token units with its symbol: `1,000.25 dUSD`. Units with a `displayDecimals` (ETH: 6) show at most that
 * many decimals, marked `≈` when digits were cut.
 */
export function formatAmount(amount: bigint, token: { decimals: number; symbol: string; displayDecimals?: number }): string {
  const exact = formatUnits(amount, token.decimals);
  const [whole = '0', fraction = ''] = exact.split('.');
  let shown = exact;
  if (token.displayDecimals !== undefined && fraction.length > token.displayDecimals) {
    const kept = fraction.slice(0, token.displayDecimals).replace(/0+$/, '');
    shown = kept ? `${whole}.${kept}` : whole;
  }
  return `${shown === exact ? '' : '≈'}${groupThousands(shown)} ${token.symbol}`;
}

/** The native currency; wei amounts are long, so they show with 6 decimals at most. */
export const ether = { decimals: 18, symbol: 'ETH', displayDecimals: 6 } as const;

/** A duration in seconds, coarse to fine, two units at most: `3d 4h`, `59m 12s`, `45s`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length > 0 && parts.length < 2)) parts.push(`${count}${name}`);
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/** A timestamp (seconds) in the reader's time zone. */
export function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** `0x1234…abcd` */
export function shortHex(value: string): string {
  return value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}

/** The current time in seconds, as the chain counts it. */
export const nowInSeconds = (): number => Math.floor(Date.now() / 1000);
