import { type Address, type Hex, decodeFunctionData, erc20Abi, slice } from 'viem';
import { type AmountUnit, formatAmount } from './amounts.js';

/**
 * What {@link describeCall} may know to name amounts: a token's symbol and decimals by its address, and the native
 * currency (default ETH).
 *
 * @example
 * ```ts
 * const options: DescribeCallOptions = { tokens: (address) => (address === usdc ? { symbol: 'USDC', decimals: 6 } : undefined) }
 * ```
 */
export type DescribeCallOptions = {
  tokens?: ((address: Address) => AmountUnit | undefined) | undefined;
  nativeCurrency?: AmountUnit | undefined;
};

/**
 * One call in words, for confirmations and receipts: its function, recipient and amount. ERC-20 `transfer`,
 * `approve` and `transferFrom` read as such (in token units when the token is known, else base units); a plain value
 * transfer as `send 0.01 ETH to 0x…`; any other call by its selector.
 *
 * @example
 * ```ts
 * describeCall({ to: dusd, data: transferData }, { tokens: () => ({ symbol: 'dUSD', decimals: 6 }) })
 * // 'transfer 25 dUSD to 0x…B0b0 (token 0x…)'
 * ```
 */
export function describeCall(call: { to: Address; value?: bigint | undefined; data?: Hex | undefined }, options: DescribeCallOptions = {}): string {
  const native = options.nativeCurrency ?? { symbol: 'ETH', decimals: 18 };
  const value = call.value ?? 0n;
  const withValue = value > 0n ? `, sending ${formatAmount(value, native)}` : '';
  const data = call.data ?? '0x';
  if (data === '0x') return `send ${formatAmount(value, native)} to ${call.to}`;
  const unit = options.tokens?.(call.to);
  const amount = (base: bigint) => (unit ? formatAmount(base, unit) : `${base} base units of`);
  const token = unit ? `(token ${call.to})` : `token ${call.to}`;
  try {
    const { functionName, args } = decodeFunctionData({ abi: erc20Abi, data });
    if (functionName === 'transfer') return `transfer ${amount(args[1])} ${token} to ${args[0]}${withValue}`;
    if (functionName === 'approve') return `approve ${args[0]} to spend ${amount(args[1])} ${token}${withValue}`;
    if (functionName === 'transferFrom') return `transferFrom ${args[0]} to ${args[1]}: ${amount(args[2])} ${token}${withValue}`;
  } catch {
    // Not an ERC-20 call: named by its selector below.
  }
  return data.length >= 10 ? `call ${slice(data, 0, 4)} on ${call.to}${withValue}` : `call ${call.to} with data ${data}${withValue}`;
}
