import { type Address, parseEther, parseUnits } from 'viem';
import { DAY, SessionKeyPermissionsBuilder, WEEK } from '@leash/sdk';

/**
 * The rules every session in the bench gets, in numbers: the peers' caveats (bench/src/peers) are built from the same
 * ones, so both sides enforce the same window and the same limits.
 */
export const sessionRules = {
  /** The key's time range, relative to the time the ops state (validFrom, validUntil). */
  validFromOffset: -3_600,
  validUntilOffset: 365 * DAY,
  /** Refreshing ERC-20 limit: 1,000 tokens (6 decimals) a week. */
  erc20Limit: parseUnits('1000', 6),
  erc20Period: WEEK,
  /** Refreshing native limit: 1 ether a day. */
  nativeLimit: parseEther('1'),
  nativePeriod: DAY,
  /** Refreshing gas limit (Leash only: no peer has one): 1 ether a day. */
  gasLimit: parseEther('1'),
  gasPeriod: DAY,
} as const;

/**
 * Options of the permission sets: `gasSpendLimit` is the daily gas budget in wei, or false for none ("no limit" is
 * explicit in Leash: a key without a gas permission may spend no gas at all).
 */
export type PermissionSetOptions = { gasSpendLimit?: bigint | false };

function withGasLimit(builder: SessionKeyPermissionsBuilder, { gasSpendLimit = sessionRules.gasLimit }: PermissionSetOptions) {
  return gasSpendLimit === false
    ? builder.removeGasSpendLimit()
    : builder.setGasSpendLimit({ spendLimit: gasSpendLimit, refreshInterval: sessionRules.gasPeriod });
}

const timeRange = (now: number) => ({ validFrom: now + sessionRules.validFromOffset, validUntil: now + sessionRules.validUntilOffset });

/**
 * DESIGN.md's full permission set, as the SDK builds it: allowlist with the token and its transfer selector, a weekly
 * ERC-20 limit, a time range and a daily gas limit. One definition for the gas scenarios, the SDK timings and the
 * throughput run, so all of them measure the same permissions.
 */
export function fullPermissions(token: Address, now: number, options: PermissionSetOptions = {}): SessionKeyPermissionsBuilder {
  const builder = new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: sessionRules.erc20Limit, refreshInterval: sessionRules.erc20Period })
    .setTimeRange(timeRange(now));
  return withGasLimit(builder, options);
}

/** A native-token permission set: the recipient allowlisted, a daily native limit, a time range and a daily gas limit. */
export function nativePermissions(recipient: Address, now: number, options: PermissionSetOptions = {}): SessionKeyPermissionsBuilder {
  const builder = new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: recipient, isOnList: true, checkSelectors: false })
    .setNativeTokenSpendLimit({ spendLimit: sessionRules.nativeLimit, refreshInterval: sessionRules.nativePeriod })
    .setTimeRange(timeRange(now));
  return withGasLimit(builder, options);
}
