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

/// @notice How an argument condition compares the call's argument word (left) with the condition's value (right).
/// The unsigned comparisons read both words as uint256, the signed ones as int256.
enum ArgumentOperator {
    EQUAL,
    NOT_EQUAL,
    LESS_THAN,
    LESS_THAN_OR_EQUAL,
    GREATER_THAN,
    GREATER_THAN_OR_EQUAL,
    SIGNED_LESS_THAN,
    SIGNED_LESS_THAN_OR_EQUAL,
    SIGNED_GREATER_THAN,
    SIGNED_GREATER_THAN_OR_EQUAL
}

/**
 * @title ISessionKeyPermissionUpdates
 * @notice The permission updates a session key's owner can make. Each update is encoded as a call to one of these
 * functions (`abi.encodeCall`) and passed in a `bytes[]` to `addSessionKey` or `updateKeyPermissions`; nothing
 * implements this interface. An update changes only what it names.
 * @dev Timestamps are seconds up to 2^32 - 1, inclusive, 0 meaning "open". Amounts are in the token's base units (wei
 * for the native token and gas). A refresh interval of 0 makes a limit a lifetime total; otherwise the limit applies
 * per period of that many seconds, periods starting at the key's refresh anchor: by default the time the key was added
 * (`addSessionKey` or install), so "100 per week" refreshes a week after the key was added and every week after that;
 * a `setRefreshAnchor` in the same call or later sets another (0: the Unix epoch, so daily periods start at midnight
 * UTC). Rotation keeps the anchor. A budget keeps the period it is in until that period ends, whatever the anchor or
 * limit changes meanwhile.
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

    /// @notice Sets when refreshing limits' periods start: at `anchor + k × interval` for every whole k. Without it a
    /// key's anchor is the time it was added.
    function setRefreshAnchor(uint48 anchor) external;

    /// @notice Limits how many calls the key's ops may make (each call of a batch counts), in total or per period.
    /// A new key has no call limit.
    function setCallLimit(uint256 callLimit, uint48 refreshInterval) external;

    /// @notice Lets the key make any number of calls.
    function removeCallLimit() external;

    // ------------------------------------------------------------------ call policies (docs/call-policies.md)
    // A call policy belongs to one function of one contract (target, selector) and holds for every call of the key to
    // it, in every access-list mode, on top of the access list (which still decides whether the function may be called
    // at all). Arguments are named by position: argument n is the calldata word at 4 + 32n, read as the ABI lays out
    // static arguments. Calldata too short to hold a named argument is refused (never read as zero).

    /// @notice Adds a condition on argument `argIndex` of `selector` on `target`: `argument <operator> value` must hold.
    /// A function holds at most a few conditions (the module's limit, named by TooManyArgumentConditions).
    function addArgumentCondition(address target, bytes4 selector, uint8 argIndex, ArgumentOperator operator, bytes32 value)
        external;

    /// @notice Adds `value` to the set argument `argIndex` of `selector` on `target` must be one of (a set per argument;
    /// the first value creates it).
    function addArgumentOneOf(address target, bytes4 selector, uint8 argIndex, bytes32 value) external;

    /// @notice Removes every condition and one-of set of `selector` on `target` (argument limits and call limits stay).
    /// A function without any is left as it is (not listed, its contract not flagged as having a policy).
    function removeArgumentConditions(address target, bytes4 selector) external;

    /// @notice Limits the sum of argument `argIndex` (unsigned) over the key's calls to `selector` on `target`, in total
    /// or per period, with the same period rules as the ERC-20 limits.
    function setArgumentSpendLimit(address target, bytes4 selector, uint8 argIndex, uint256 spendLimit, uint48 refreshInterval)
        external;

    /// @notice Removes an argument limit; its state is kept, so setting it again continues from what was used.
    function removeArgumentSpendLimit(address target, bytes4 selector, uint8 argIndex) external;

    /// @notice Limits how many calls to `selector` on `target` the key's ops may make (each call of a batch counts), in
    /// total or per period, beside the key-wide call limit.
    function setFunctionCallLimit(address target, bytes4 selector, uint256 callLimit, uint48 refreshInterval) external;

    /// @notice Lets the key call `selector` on `target` any number of times (the key-wide call limit still counts).
    function removeFunctionCallLimit(address target, bytes4 selector) external;

    /// @notice Limits the native value of any single call of the key, beside the cumulative native limit.
    function setMaxValuePerCall(uint256 maxValue) external;

    /// @notice Removes the per-call value cap.
    function removeMaxValuePerCall() external;
}
