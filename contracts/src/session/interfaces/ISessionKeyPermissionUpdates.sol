// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Which calls an access list's entries describe.
enum AccessListType {
    /// Only calls to listed contracts (and, where checked, listed functions) are allowed. The default: a new key can
    /// call nothing.
    ALLOWLIST,
    /// Calls to listed contracts (or, where checked, listed functions) are refused; everything else is allowed.
    DENYLIST,
    /// Every call is allowed (calls to the account, the module and the EntryPoint are still refused).
    ALLOW_ALL
}

/**
 * @title ISessionKeyPermissionUpdates
 * @notice The permission updates a session key's owner can make. Each update is encoded as a call to one of these
 * functions (`abi.encodeCall`) and passed in a `bytes[]` to `addSessionKey` or `updateKeyPermissions`; nothing
 * implements this interface. An update changes only what it names.
 * @dev Timestamps are seconds up to 2^32 - 1, inclusive, 0 meaning "open". Amounts are in the token's base units (wei
 * for the native token and gas). A refresh interval of 0 makes a limit a lifetime total; otherwise the limit applies
 * per period of that many seconds, periods starting at the key's refresh anchor (default: the Unix epoch). A budget
 * keeps the period it is in until that period ends, whatever the anchor or limit changes meanwhile.
 */
interface ISessionKeyPermissionUpdates {
    /// @notice Sets how the access list is read. Entries are kept: see {AccessListType}.
    function setAccessListType(AccessListType listType) external;

    /// @notice Puts a contract on the access list or takes it off, and says whether its function selectors are checked.
    function updateAccessListAddressEntry(address target, bool isOnList, bool checkSelectors) external;

    /// @notice Puts a function of a contract on the access list or takes it off. Only read when the contract's entry
    /// checks selectors. Calls with fewer than 4 bytes of data have the selector 0x00000000.
    function updateAccessListFunctionEntry(address target, bytes4 selector, bool isOnList) external;

    /// @notice Limits when the key is valid: from `validFrom` through `validUntil`, inclusive; 0 leaves a side open.
    function setTimeRange(uint48 validFrom, uint48 validUntil) external;

    /// @notice Limits the native token the key's calls may send (the sum of their values).
    function setNativeTokenSpendLimit(uint256 spendLimit, uint48 refreshInterval) external;

    /// @notice Lets the key's calls send any amount of the native token.
    function removeNativeTokenSpendLimit() external;

    /// @notice Limits an ERC-20 token: only `transfer` and `approve` may be called on it, and their amounts count.
    function setErc20SpendLimit(address token, uint256 spendLimit, uint48 refreshInterval) external;

    /// @notice Removes an ERC-20 token's limit; calls to it are then governed by the access list alone.
    function removeErc20SpendLimit(address token) external;

    /// @notice Limits what the key's ops may cost in gas, in wei, when the account pays (each op counts at its maximum
    /// cost). Ops paid by a paymaster count nothing.
    function setGasSpendLimit(uint256 spendLimit, uint48 refreshInterval) external;

    /// @notice Lets the key's ops cost any amount of gas.
    function removeGasSpendLimit() external;

    /// @notice Requires every op of the key to be paid by this paymaster; the zero address removes the requirement.
    function setRequiredPaymaster(address paymaster) external;

    /// @notice Sets when refreshing limits' periods start: at `anchor + k × interval` for every whole k.
    function setRefreshAnchor(uint48 anchor) external;

    /// @notice Limits how many calls the key's ops may make (each call of a batch counts), in total or per period.
    /// A new key has no call limit.
    function setCallLimit(uint256 callLimit, uint48 refreshInterval) external;

    /// @notice Lets the key make any number of calls.
    function removeCallLimit() external;
}
