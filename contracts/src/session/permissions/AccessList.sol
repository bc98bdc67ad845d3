// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";

/**
 * @title AccessList
 * @notice The access-control permission: which contracts, and which of their functions, a key may call.
 * @dev One slot per (key, contract), the access entry, holds the contract's flags and up to six function selectors
 * inline, so the common case (a contract with a few allowed functions) costs one cold read per call:
 * [0] on list | [1] check selectors | [2] ERC-20 limited | [3,8) inline selector count | [8,40) ERC-20 refresh
 * interval | [40,64) count of further selectors kept in a mapping | [64 + 32i, 96 + 32i) inline selector i (i < 6).
 * The ERC-20 bits belong to {Erc20SpendLimit}; they share the slot because the call reads it anyway.
 *
 * Changing the list type keeps the entries and reads them the new way: an allowlisted contract becomes denied under
 * DENYLIST, and ALLOW_ALL ignores them. Switch types together with the entries you mean.
 */
library AccessList {
    uint256 internal constant ON_LIST = 1;
    uint256 internal constant CHECK_SELECTORS = 1 << 1;
    uint256 internal constant INLINE_CAPACITY = 6;
    uint256 private constant MAX_EXTRA = (1 << 24) - 1;

    function onList(uint256 entry) internal pure returns (bool) {
        return entry & ON_LIST != 0;
    }

    function checksSelectors(uint256 entry) internal pure returns (bool) {
        return entry & CHECK_SELECTORS != 0;
    }

    function inlineCount(uint256 entry) internal pure returns (uint256) {
        return (entry >> 3) & 31;
    }

    function extraCount(uint256 entry) internal pure returns (uint256) {
        return (entry >> 40) & MAX_EXTRA;
    }

    function inlineSelector(uint256 entry, uint256 i) internal pure returns (bytes4) {
        return bytes4(uint32(entry >> (64 + 32 * i)));
    }

    /// @notice Reverts unless the list allows calling `selector` on `target`.
    function check(
        SessionKeyStorage.Layout storage $,
        uint256 listType,
        uint256 entry,
        uint256 sessionId,
        address target,
        bytes4 selector,
        address account
    ) internal view {
        if (listType == uint256(AccessListType.ALLOW_ALL)) return;
        bool listed = entry & ON_LIST != 0;
        bool bySelector = entry & CHECK_SELECTORS != 0;
        if (listType == uint256(AccessListType.ALLOWLIST)) {
            if (!listed) revert ISessionKeyModule.TargetNotOnAllowlist(target);
            if (bySelector && !hasSelector($, entry, sessionId, target, selector, account)) {
                revert ISessionKeyModule.SelectorNotOnAllowlist(target, selector);
            }
        } else if (listed) {
            if (!bySelector) revert ISessionKeyModule.TargetOnDenylist(target);
            if (hasSelector($, entry, sessionId, target, selector, account)) {
                revert ISessionKeyModule.SelectorOnDenylist(target, selector);
            }
        }
    }

    /// @notice Whether `selector` is one of the contract's function entries.
    function hasSelector(
        SessionKeyStorage.Layout storage $,
        uint256 entry,
        uint256 sessionId,
        address target,
        bytes4 selector,
        address account
    ) internal view returns (bool) {
        uint256 count = inlineCount(entry);
        for (uint256 i; i < count; ++i) {
            if (inlineSelector(entry, i) == selector) return true;
        }
        return extraCount(entry) != 0 && $.extraSelectors[sessionId][target][selector][account];
    }

    /// @notice The entry with new contract-level flags (function entries are kept).
    function withContractEntry(uint256 entry, bool isOnList, bool checkSelectors) internal pure returns (uint256) {
        return (entry & ~(ON_LIST | CHECK_SELECTORS)) | (isOnList ? ON_LIST : 0) | (checkSelectors ? CHECK_SELECTORS : 0);
    }

    /// @notice Adds or removes a function entry; returns the new entry (the mapping is written directly).
    function updateSelector(
        SessionKeyStorage.Layout storage $,
        uint256 entry,
        uint256 sessionId,
        address target,
        bytes4 selector,
        bool isOnList,
        address account
    ) internal returns (uint256) {
        uint256 count = inlineCount(entry);
        for (uint256 i; i < count; ++i) {
            if (inlineSelector(entry, i) != selector) continue;
            if (isOnList) return entry;
            // Move the last inline selector into the freed place.
            uint256 last = uint32(entry >> (64 + 32 * (count - 1)));
            entry &= ~(uint256(0xffffffff) << (64 + 32 * i));
            entry |= last << (64 + 32 * i);
            entry &= ~(uint256(0xffffffff) << (64 + 32 * (count - 1)));
            return (entry & ~(uint256(31) << 3)) | ((count - 1) << 3);
        }
        mapping(address => bool) storage extra = $.extraSelectors[sessionId][target][selector];
        if (extra[account] == isOnList) return entry;
        if (!isOnList) {
            delete extra[account];
            return (entry & ~(MAX_EXTRA << 40)) | ((extraCount(entry) - 1) << 40);
        }
        if (count < INLINE_CAPACITY) {
            entry |= uint256(uint32(selector)) << (64 + 32 * count);
            return (entry & ~(uint256(31) << 3)) | ((count + 1) << 3);
        }
        uint256 extras = extraCount(entry);
        if (extras == MAX_EXTRA) revert ISessionKeyModule.TooManyFunctionEntries(target);
        extra[account] = true;
        return (entry & ~(MAX_EXTRA << 40)) | ((extras + 1) << 40);
    }
}
