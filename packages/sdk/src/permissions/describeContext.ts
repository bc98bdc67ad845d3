import { type Address, type Hex, formatUnits, toFunctionSelector } from 'viem';

/**
 * What {@link describePermissions} may know about the addresses and selectors it shows.
 *
 * @example
 * ```ts
 * describePermissions(state.permissions, {
 *   tokens: { [usdc]: { symbol: 'USDC', decimals: 6 } },
 *   contractNames: { [router]: 'Uniswap router' },
 *   formatTimestamp: (seconds) => new Date(seconds * 1000).toLocaleString(),
 * })
 * ```
 */
export type DescribePermissionsOptions = {
  /** Tokens by address (any case): symbol and decimals make amounts readable (`100 USDC` instead of base units). */
  tokens?: Record<string, { symbol?: string | undefined; decimals?: number | undefined }> | undefined;
  /** Names of contracts by address (any case), e.g. `{ [router]: 'Uniswap router' }`. */
  contractNames?: Record<string, string> | undefined;
  /** Function signatures by selector, added to the built-in common ones (ERC-20, ERC-721, WETH). */
  functionSignatures?: Record<string, string> | undefined;
  /** The chain's native currency; default ETH with 18 decimals. */
  nativeCurrency?: { symbol: string; decimals: number } | undefined;
  /** Renders a timestamp (seconds); default ISO 8601 in UTC. */
  formatTimestamp?: ((seconds: number) => string) | undefined;
};

/** The options of {@link DescribePermissionsOptions}, resolved into what each kind's `describe` uses. */
export type DescribeContext = {
  native: { symbol: string; decimals: number };
  formatTimestamp: (seconds: number) => string;
  /** `100 ETH` in the native currency. */
  nativeAmount: (amount: bigint) => string;
  /** A token's symbol and decimals, if known. */
  token: (address: Address) => { symbol?: string | undefined; decimals?: number | undefined } | undefined;
  /** `USDC 0x…` or `contract 0x…`. */
  contractName: (address: Address) => string;
  /** A selector's signature if known, else the selector. */
  functionName: (selector: Hex) => string;
};

const commonSignatures = [
  'transfer(address,uint256)',
  'approve(address,uint256)',
  'transferFrom(address,address,uint256)',
  'increaseAllowance(address,uint256)',
  'decreaseAllowance(address,uint256)',
  'permit(address,address,uint256,uint256,uint8,bytes32,bytes32)',
  'safeTransferFrom(address,address,uint256)',
  'safeTransferFrom(address,address,uint256,bytes)',
  'setApprovalForAll(address,bool)',
  'deposit()',
  'withdraw(uint256)',
];
let builtInSignatures: Map<string, string> | undefined;

const lookup = <T>(record: Record<string, T> | undefined, key: string): T | undefined => {
  if (!record) return undefined;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(record)) if (k.toLowerCase() === lower) return v;
  return undefined;
};

const defaultFormatTimestamp = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Resolves describe options into the helpers the kinds use. */
export function toDescribeContext(options: DescribePermissionsOptions = {}): DescribeContext {
  const native = options.nativeCurrency ?? { symbol: 'ETH', decimals: 18 };
  builtInSignatures ??= new Map(commonSignatures.map((signature) => [toFunctionSelector(signature), signature]));
  const signatures = builtInSignatures;
  const token = (address: Address) => lookup(options.tokens, address);
  return {
    native,
    formatTimestamp: options.formatTimestamp ?? defaultFormatTimestamp,
    nativeAmount: (amount) => `${formatUnits(amount, native.decimals)} ${native.symbol}`,
    token,
    contractName: (address) => {
      const name = lookup(options.contractNames, address) ?? token(address)?.symbol;
      return name ? `${name} ${address}` : `contract ${address}`;
    },
    functionName: (selector) => lookup(options.functionSignatures, selector) ?? signatures.get(selector.toLowerCase()) ?? selector,
  };
}
