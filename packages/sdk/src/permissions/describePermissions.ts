import { type Address, type Hex, formatUnits, toFunctionSelector } from 'viem';
import {
  DAY,
  HOUR,
  MINUTE,
  SessionKeyAccessListType,
  type SessionKeyContractAccess,
  type SessionKeyPermissions,
  type SessionKeySpendLimit,
  WEEK,
} from './types.js';

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

/**
 * "per week", "per 2 days", "per 90 seconds", or "in total" for a lifetime limit.
 *
 * @example
 * ```ts
 * formatRefreshInterval(WEEK) // 'per week'
 * formatRefreshInterval(0) // 'in total'
 * ```
 */
export function formatRefreshInterval(seconds: number): string {
  if (seconds === 0) return 'in total';
  for (const [unit, name] of [
    [WEEK, 'week'],
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
  ] as const) {
    if (seconds % unit === 0) return seconds === unit ? `per ${name}` : `per ${seconds / unit} ${name}s`;
  }
  return seconds === 1 ? 'per second' : `per ${seconds} seconds`;
}

/**
 * Renders permissions in plain English, one line per permission, in the order the builder encodes them. Data-driven:
 * token symbols and decimals, contract names and function signatures come from `options`. An empty set of
 * permissions gives no lines (for a new key, that means it can do nothing).
 *
 * @example
 * ```ts
 * describePermissions(builder.toPermissions(), { tokens: { [usdc]: { symbol: 'USDC', decimals: 6 } } })
 * // [
 * //   'Access list: allowlist (only the contracts listed may be called)',
 * //   'May call USDC 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48: only transfer(address,uint256)',
 * //   'Valid from 2025-06-15T15:06:40Z until 2025-07-15T15:06:40Z',
 * //   'No native token: calls may not send ETH',
 * //   'Spends at most 100 USDC (0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48) per week, through transfer and approve only',
 * //   'Gas paid by the account: at most 0.01 ETH per day',
 * // ]
 * ```
 */
export function describePermissions(permissions: SessionKeyPermissions, options: DescribePermissionsOptions = {}): string[] {
  const native = options.nativeCurrency ?? { symbol: 'ETH', decimals: 18 };
  const formatTimestamp = options.formatTimestamp ?? defaultFormatTimestamp;
  builtInSignatures ??= new Map(commonSignatures.map((signature) => [toFunctionSelector(signature), signature]));
  const signatures = builtInSignatures;
  const fnName = (selector: Hex) => lookup(options.functionSignatures, selector) ?? signatures.get(selector.toLowerCase()) ?? selector;
  const contractName = (address: Address) => {
    const name = lookup(options.contractNames, address) ?? lookup(options.tokens, address)?.symbol;
    return name ? `${name} ${address}` : `contract ${address}`;
  };
  const nativeAmount = (amount: bigint) => `${formatUnits(amount, native.decimals)} ${native.symbol}`;

  const lines: string[] = [];
  const listType = permissions.accessListType;
  if (listType === SessionKeyAccessListType.ALLOWLIST) lines.push('Access list: allowlist (only the contracts listed may be called)');
  if (listType === SessionKeyAccessListType.DENYLIST) lines.push('Access list: denylist (every contract may be called except those listed)');
  if (listType === SessionKeyAccessListType.ALLOW_ALL) {
    lines.push('Access list: allow-all (any contract may be called; entries are kept but not used)');
  }

  for (const contract of permissions.contracts ?? []) lines.push(describeContract(contract, listType, contractName, fnName));

  const range = permissions.timeRange;
  if (range) {
    const from = range.validFrom ? formatTimestamp(range.validFrom) : undefined;
    const until = range.validUntil ? formatTimestamp(range.validUntil) : undefined;
    lines.push(
      from && until ? `Valid from ${from} until ${until}` : from ? `Valid from ${from}, with no end` : until ? `Valid until ${until}` : 'Valid at any time',
    );
  }

  const nativeLimit = permissions.nativeTokenSpendLimit;
  if (nativeLimit === 'unlimited') lines.push(`May send any amount of ${native.symbol}`);
  else if (nativeLimit?.spendLimit === 0n) lines.push(`No native token: calls may not send ${native.symbol}`);
  else if (nativeLimit) lines.push(`Sends at most ${nativeAmount(nativeLimit.spendLimit)} ${formatRefreshInterval(nativeLimit.refreshInterval)}`);

  for (const { tokenAddress, limit } of permissions.erc20SpendLimits ?? []) {
    const token = lookup(options.tokens, tokenAddress);
    const name = token?.symbol ? `${token.symbol} (${tokenAddress})` : `token ${tokenAddress}`;
    if (limit === 'unlimited') {
      lines.push(`No spend limit on ${name}: the access list alone governs it`);
    } else if (limit.spendLimit === 0n) {
      lines.push(`May not spend ${name}`);
    } else {
      const amount =
        token?.decimals !== undefined
          ? `${formatUnits(limit.spendLimit, token.decimals)} ${token.symbol ? name : `of ${name}`}`
          : `${limit.spendLimit} base units of ${name}`;
      lines.push(`Spends at most ${amount} ${formatRefreshInterval(limit.refreshInterval)}, through transfer and approve only`);
    }
  }

  const gas = permissions.gasSpendLimit;
  if (gas === 'unlimited') lines.push('Gas: no limit');
  else if (gas?.spendLimit === 0n) lines.push('Gas: the account may not pay for this key’s ops (a paymaster must)');
  else if (gas) lines.push(`Gas paid by the account: at most ${nativeAmount(gas.spendLimit)} ${formatRefreshInterval(gas.refreshInterval)}`);

  if (permissions.requiredPaymaster === null) lines.push('Any payer: no paymaster required');
  else if (permissions.requiredPaymaster) lines.push(`Every op must be paid by paymaster ${permissions.requiredPaymaster}`);

  if (permissions.refreshAnchor !== undefined) {
    lines.push(
      permissions.refreshAnchor === 0
        ? 'Refreshing limits’ periods start at the Unix epoch (the default)'
        : `Refreshing limits’ periods start at ${formatTimestamp(permissions.refreshAnchor)} and every whole interval after it`,
    );
  }
  return lines;
}

function describeContract(
  contract: SessionKeyContractAccess,
  listType: SessionKeyAccessListType | undefined,
  contractName: (address: Address) => string,
  fnName: (selector: Hex) => string,
): string {
  const name = contractName(contract.contractAddress);
  const listed = (contract.functions ?? []).filter((f) => f.isOnList).map((f) => fnName(f.selector));
  const unlisted = (contract.functions ?? []).filter((f) => !f.isOnList).map((f) => fnName(f.selector));
  const removals = unlisted.length > 0 ? `; takes ${unlisted.join(', ')} off the list` : '';
  const { isOnList, checkSelectors } = contract;

  if (isOnList === undefined) {
    const parts = [
      ...(listed.length > 0 ? [`puts ${listed.join(', ')} on the list`] : []),
      ...(unlisted.length > 0 ? [`takes ${unlisted.join(', ')} off the list`] : []),
    ];
    return `${name}: ${parts.join('; ') || 'no change'} (the contract’s own entry is unchanged)`;
  }
  if (listType === SessionKeyAccessListType.ALLOW_ALL) {
    return `${name}: entry kept (${isOnList ? 'on' : 'off'} the list), not used while every call is allowed${removals}`;
  }
  if (listType === SessionKeyAccessListType.ALLOWLIST) {
    if (!isOnList) return `May not call ${name}${removals}`;
    if (!checkSelectors) return `May call ${name}: any function${removals}`;
    return `May call ${name}: ${listed.length > 0 ? `only ${listed.join(', ')}` : 'no function listed yet'}${removals}`;
  }
  if (listType === SessionKeyAccessListType.DENYLIST) {
    if (!isOnList) return `May call ${name}: not on the denylist${removals}`;
    if (!checkSelectors) return `May not call ${name}${removals}`;
    return `May call ${name}${listed.length > 0 ? ` except ${listed.join(', ')}` : ': any function, none denied yet'}${removals}`;
  }
  // List type unchanged by these permissions: describe the entry itself.
  if (!isOnList) return `Takes ${name} off the access list${removals}`;
  if (!checkSelectors) return `Puts ${name} on the access list: all its functions${removals}`;
  return `Puts ${name} on the access list: ${listed.length > 0 ? `functions ${listed.join(', ')}` : 'no function listed yet'}${removals}`;
}
