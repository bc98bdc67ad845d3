import { type Address, zeroAddress } from 'viem';
import { type SessionKeyCallLimit, parseAddress as sdkParseAddress, parseCallLimit } from '@leash/sdk';
import { parseNativeAmount } from './amounts.js';
import { InvalidFlagError, parseFlag } from './errors.js';
import { parsePeriod } from './time.js';

/** A parsed limit flag: an amount per period (0: in total), or no limit at all (distinct from a limit of 0). */
export type LimitSpec<Amount> = { amount: Amount; refreshInterval: number } | 'unlimited';

/** A parsed `--erc20` flag: the amount stays decimal text until the token's decimals are known. */
export type Erc20LimitSpec = { token: Address; limit: LimitSpec<string> };

const unlimitedWords = new Set(['unlimited', 'no-limit']);

/**
 * Parses `--native` and `--gas`: `<amount><unit>/<period>` such as `0.1eth/day` or `0.01eth/total`, or `unlimited`.
 *
 * @example
 * ```ts
 * parseNativeLimit('0.1eth/day', '--native') // { amount: 100000000000000000n, refreshInterval: 86400 }
 * ```
 */
export function parseNativeLimit(value: string, flag: string): LimitSpec<bigint> {
  const text = value.trim();
  if (unlimitedWords.has(text.toLowerCase())) return 'unlimited';
  const [amount, period, ...rest] = text.split('/');
  if (amount === undefined || period === undefined || rest.length > 0)
    throw new InvalidFlagError({
      flag,
      value,
      expected: 'expected <amount><unit>/<period>, such as 0.1eth/day or 1eth/total, or "unlimited"',
    });
  return { amount: parseNativeAmount(amount, flag), refreshInterval: parsePeriod(period, flag) };
}

/**
 * Parses `--erc20 <token>:<amount>/<period>` (amount in token units, such as `100` or `2.5`) or `<token>:unlimited`.
 *
 * @example
 * ```ts
 * parseErc20Limit('0x…:100/week', '--erc20') // { token: '0x…', limit: { amount: '100', refreshInterval: 604800 } }
 * ```
 */
export function parseErc20Limit(value: string, flag: string): Erc20LimitSpec {
  const expected = 'expected <token address>:<amount>/<period>, such as 0x…:100/week, or <token address>:unlimited';
  const separator = value.indexOf(':');
  if (separator < 0) throw new InvalidFlagError({ flag, value, expected });
  const token = parseAddress(value.slice(0, separator).trim(), flag);
  const rest = value.slice(separator + 1).trim();
  if (unlimitedWords.has(rest.toLowerCase())) return { token, limit: 'unlimited' };
  const [amount, period, ...extra] = rest.split('/');
  if (amount === undefined || period === undefined || extra.length > 0) throw new InvalidFlagError({ flag, value, expected });
  if (!/^\d+(\.\d+)?$/.test(amount.trim()))
    throw new InvalidFlagError({ flag, value, expected: `"${amount}" is not an amount in token units (such as 100 or 2.5)` });
  return { token, limit: { amount: amount.trim(), refreshInterval: parsePeriod(period, flag) } };
}

/**
 * Parses an address (any case; a mixed-case address must have a valid checksum) and returns it checksummed: the SDK's
 * `parseAddress`.
 *
 * @example
 * ```ts
 * parseAddress('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', '--to') // '0xA0b8…eB48'
 * ```
 */
export function parseAddress(value: string, flag: string): Address {
  return parseFlag(flag, value, () => sdkParseAddress(value));
}

/**
 * Parses `--max-calls`: `<count>/<period>` such as `20/day` or `100/total`, or `unlimited` (the SDK's `parseCallLimit`).
 *
 * @example
 * ```ts
 * parseMaxCalls('20/day', '--max-calls') // { callLimit: 20, refreshInterval: 86400 }
 * ```
 */
export function parseMaxCalls(value: string, flag: string): SessionKeyCallLimit | 'unlimited' {
  return parseFlag(flag, value, () => parseCallLimit(value));
}

/**
 * Parses `--paymaster`: an address the key's ops must be paid by, or `none` to require no paymaster.
 *
 * @example
 * ```ts
 * parsePaymaster('none', '--paymaster') // 'none'
 * ```
 */
export function parsePaymaster(value: string, flag: string): Address | 'none' {
  const text = value.trim().toLowerCase();
  if (text === 'none' || text === zeroAddress) return 'none';
  return parseAddress(value, flag);
}
