// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessListType} from "./ISessionKeyPermissionUpdates.sol";

/**
 * @title ISessionKeyLens
 * @notice Everything the session key module stores about an account's keys, read in one call (`eth_call`) and decoded:
 * no event replay, so it works on any RPC. The lens reads the module's storage through the module's `extsload`; it
 * holds no state. Times are seconds; amounts are in base units (wei for the native token and gas).
 */
interface ISessionKeyLens {
    /// @notice A limit and its state at the time of the call.
    struct SpendLimitStatus {
        /// False when the key may spend (or call) without limit.
        bool hasLimit;
        uint256 limit;
        /// Spent (or calls made) in the current period; in total for a lifetime limit.
        uint256 used;
        /// What an op can still use: limit - used, 0 when used exceeds a lowered limit.
        uint256 remaining;
        /// 0 for a lifetime limit.
        uint48 refreshInterval;
        /// Start of the current period (0 for a lifetime limit).
        uint48 periodStart;
        /// When the budget refreshes next (0 for a lifetime limit).
        uint48 nextRefresh;
    }

    /// @notice A key's settings other than its per-contract entries.
    struct SessionKeyInfo {
        bytes32 tag;
        uint48 validFrom;
        uint48 validUntil;
        AccessListType accessListType;
        uint48 refreshAnchor;
        SpendLimitStatus nativeTokenSpend;
        SpendLimitStatus gasSpend;
        /// The zero address when any payer is fine.
        address requiredPaymaster;
    }

    /// @notice One contract a key's permissions name: its access list entry and its ERC-20 limit.
    struct TargetRule {
        address target;
        bool isOnList;
        bool checkSelectors;
        /// The contract's function entries.
        bytes4[] selectors;
        /// `hasLimit` is false when the contract has no ERC-20 limit.
        SpendLimitStatus erc20Spend;
    }

    /// @notice Everything about a key.
    struct SessionKeyState {
        address sessionKey;
        SessionKeyInfo info;
        /// Every contract the key's permissions have named, in the order they were first named.
        TargetRule[] targets;
        /// The call-count limit: calls made and allowed per period (each call of a batch counts).
        SpendLimitStatus calls;
    }

    /// @notice The session keys of `account`.
    function sessionKeysOf(address module, address account) external view returns (address[] memory);

    /// @notice Whether `sessionKey` is a session key of `account`.
    function isSessionKeyOf(address module, address account, address sessionKey) external view returns (bool);

    /// @notice Everything about one key; reverts with SessionKeyNotFound for a key the account does not have.
    function getSessionKey(address module, address account, address sessionKey)
        external
        view
        returns (SessionKeyState memory);

    /// @notice Everything about every key of `account`.
    function getSessionKeys(address module, address account) external view returns (SessionKeyState[] memory);

    /// @notice A key's tag, time range, list type, native and gas limits (with the current period's spend) and paymaster.
    function getSessionKeyInfo(address module, address account, address sessionKey)
        external
        view
        returns (SessionKeyInfo memory);

    /// @notice A contract's access list entry for a key.
    function getAccessListEntry(address module, address account, address sessionKey, address target)
        external
        view
        returns (bool isOnList, bool checkSelectors);

    /// @notice Whether a function of a contract is on a key's access list.
    function isSelectorOnAccessList(
        address module,
        address account,
        address sessionKey,
        address target,
        bytes4 selector
    ) external view returns (bool);

    /// @notice A token's spend limit for a key, with the current period's spend.
    function getErc20SpendLimit(address module, address account, address sessionKey, address token)
        external
        view
        returns (SpendLimitStatus memory);

    /// @notice A key's call-count limit, with the calls made in the current period.
    function getCallLimit(address module, address account, address sessionKey)
        external
        view
        returns (SpendLimitStatus memory);
}
