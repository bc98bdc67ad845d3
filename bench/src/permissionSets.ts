import { type Address, parseEther, parseUnits } from 'viem';
import { DAY, SessionKeyPermissionsBuilder, WEEK } from '@leash/sdk';

/**
 * DESIGN.md's full permission set, as the SDK builds it: allowlist with the token and its transfer selector, a weekly
 * ERC-20 limit, a time range and a daily gas limit. One definition for the gas scenarios, the SDK timings and the
 * throughput run, so all of them measure the same permissions. `gasSpendLimit` is the daily gas budget in wei.
 */
export function fullPermissions(token: Address, now: number, gasSpendLimit = parseEther('1')): SessionKeyPermissionsBuilder {
  return new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: parseUnits('1000', 6), refreshInterval: WEEK })
    .setTimeRange({ validFrom: now - 3_600, validUntil: now + 365 * DAY })
    .setGasSpendLimit({ spendLimit: gasSpendLimit, refreshInterval: DAY });
}

/** A native-token permission set: the recipient allowlisted, a daily native limit, a time range and a daily gas limit. */
export function nativePermissions(recipient: Address, now: number): SessionKeyPermissionsBuilder {
  return new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: recipient, isOnList: true, checkSelectors: false })
    .setNativeTokenSpendLimit({ spendLimit: parseEther('1'), refreshInterval: DAY })
    .setTimeRange({ validFrom: now - 3_600, validUntil: now + 365 * DAY })
    .setGasSpendLimit({ spendLimit: parseEther('1'), refreshInterval: DAY });
}
