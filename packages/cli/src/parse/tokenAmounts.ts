import { parseAbiItem, parseUnits, toFunctionSelector } from 'viem';
import { parseAmount } from '@leash/sdk';
import { InvalidFlagError, parseFlag } from './errors.js';

/** The ERC-20 functions whose amount `exec` reads in token units, by selector: the index of the amount argument. */
const amountArgumentOf: Record<string, number> = {
  [toFunctionSelector('transfer(address,uint256)')]: 1,
  [toFunctionSelector('approve(address,uint256)')]: 1,
  [toFunctionSelector('transferFrom(address,address,uint256)')]: 2,
};

/**
 * The index of a token call's amount argument (`transfer`, `approve`, `transferFrom`), or undefined for any other
 * function (or text that is not a signature: encoding reports that).
 *
 * @example
 * ```ts
 * tokenAmountArgument('transfer(address,uint256)') // 1
 * ```
 */
export function tokenAmountArgument(signature: string): number | undefined {
  try {
    const item = parseAbiItem(`function ${signature.trim().replace(/^function\s+/, '')}`);
    return item.type === 'function' ? amountArgumentOf[toFunctionSelector(item)] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a token amount for an ERC-20 call: `25dusd` (the token's symbol, any case: token units), `25e6` (base units,
 * as for any integer), or a plain number in token units when `--decimals` is given. A plain number without
 * `--decimals` is refused: `25` could mean 25 tokens or 25 base units (0.000025 of a 6-decimal token).
 *
 * @example
 * ```ts
 * parseTokenAmount('25dusd', { symbol: 'dUSD', decimals: 6 }, undefined, 'amount') // 25_000_000n
 * parseTokenAmount('25', { symbol: 'dUSD', decimals: 6 }, 6, 'amount')             // 25_000_000n
 * ```
 */
export function parseTokenAmount(
  text: string,
  token: { symbol: string; decimals: number } | undefined,
  decimalsFlag: number | undefined,
  flag: string,
): bigint {
  const value = text.trim();
  const fail = (expected: string): never => {
    throw new InvalidFlagError({ flag, value, expected });
  };
  const scientific = /^(\d+(?:\.\d+)?)e(\d+)$/i.exec(value);
  if (scientific) {
    const [whole, fraction = ''] = scientific[1]!.split('.');
    if (fraction.length > Number(scientific[2])) fail('base units are whole: 25e6, not 2.5e0');
    return parseUnits(`${whole}.${fraction || '0'}`, Number(scientific[2]));
  }
  const symbol = token?.symbol ?? 'the token';
  const withUnit = /^(\d+(?:\.\d+)?)\s*([a-z][\w.-]*)$/i.exec(value);
  if (withUnit) {
    if (!token) return fail(`cannot read the token's symbol and decimals: give base units (25e6) or --decimals with a plain number`);
    if (withUnit[2]!.toLowerCase() !== token.symbol.toLowerCase())
      fail(`"${withUnit[2]}" is not this token's symbol (${token.symbol}): write ${withUnit[1]}${token.symbol.toLowerCase()}`);
    return parseFlag(flag, value, () => parseAmount(withUnit[1]!, token));
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    if (decimalsFlag !== undefined) return parseFlag(flag, value, () => parseAmount(value, { symbol, decimals: decimalsFlag }));
    const decimals = token?.decimals;
    return fail(
      `ambiguous amount: ${value} ${symbol} or ${value} base units${decimals !== undefined ? ` (${Number(value) / 10 ** decimals} ${symbol})` : ''}? ` +
        `Write ${value}${token ? token.symbol.toLowerCase() : '<symbol>'} for token units, ${value}e0 for base units, or pass --decimals to read plain numbers as token units`,
    );
  }
  return fail(`expected a token amount such as 25${token ? token.symbol.toLowerCase() : 'usdc'}, 25e6 (base units), or a plain number with --decimals`);
}
