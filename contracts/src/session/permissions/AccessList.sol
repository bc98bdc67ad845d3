// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    IERC7579ModuleConfig,
    MODULE_TYPE_VALIDATOR,
    MODULE_TYPE_EXECUTOR
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";

/**
 * @title AccessList
 * @notice The access-control permission: which contracts, and which of their functions, a key may call.
 * @dev One slot per (session, contract), the contract's entry, read by every call to it:
 * [0] on list | [1] check selectors | [2] ERC-20 limited ({Erc20SpendLimit}) | [3] `transfer` listed | [4] `approve`
 * listed | [5] budget layout | [8,32) count of function entries kept in their own slots. Without the budget layout,
 * [32,40) holds how many function entries are inline and [64 + 32i, 96 + 32i) inline entry i (i < 6), so a contract
 * with a few listed functions costs one cold read per call. A token that has ever had an ERC-20 limit uses the budget
 * layout instead: [32,256) belongs to {Erc20SpendLimit}, and its function entries other than `transfer` and `approve`
 * (which have their own bits in every layout) live in their own slots.
 *
 * Changing the list type keeps the entries and reads them the new way: an allowlisted contract becomes denied under
 * DENYLIST, and ALLOW_ALL ignores them. Switch types together with the entries you mean.
 *
 * Under DENYLIST and ALLOW_ALL a key never calls a validator or executor installed on the account: such a module keeps
 * its configuration per msg.sender, so the key could make itself its signer or operator and then act without limits.
 */
library AccessList {
    uint256 internal constant ON_LIST = 1;
    uint256 internal constant CHECK_SELECTORS = 1 << 1;
    uint256 internal constant TRANSFER_ON_LIST = 1 << 3;
    uint256 internal constant APPROVE_ON_LIST = 1 << 4;
    uint256 internal constant BUDGET_LAYOUT = 1 << 5;
    uint256 internal constant INLINE_CAPACITY = 6;
    uint256 private constant MAX_EXTRA = SessionKeyStorage.MASK_24;
    bytes4 internal constant TRANSFER = 0xa9059cbb; // transfer(address,uint256)
    bytes4 internal constant APPROVE = 0x095ea7b3; // approve(address,uint256)

    function onList(uint256 entry) internal pure returns (bool) {
        return entry & ON_LIST != 0;
    }

    function checksSelectors(uint256 entry) internal pure returns (bool) {
        return entry & CHECK_SELECTORS != 0;
    }

    function extraCount(uint256 entry) internal pure returns (uint256) {
        return (entry >> 8) & MAX_EXTRA;
    }

    function inlineCount(uint256 entry) internal pure returns (uint256) {
        return entry & BUDGET_LAYOUT != 0 ? 0 : (entry >> 32) & 0xff;
    }

    function inlineSelector(uint256 entry, uint256 i) internal pure returns (bytes4) {
        return bytes4(uint32(entry >> (64 + 32 * i)));
    }

    /**
     * @notice Whether the entry alone shows the call is allowed: an allowlisted contract without selector checks or
     * with `transfer`/`approve` listed. When false, {check} decides: always under DENYLIST and ALLOW_ALL, which must
     * also ask the account about its modules, so allowlists pay nothing for that.
     * @dev Assembly: the common cases of every call of every op, decided in a few operations without storage reads.
     */
    function allows(uint256 listType, uint256 entry, bytes4 selector) internal pure returns (bool allowed) {
        assembly ("memory-safe") {
            let contractFlags := and(entry, 3) // ON_LIST | CHECK_SELECTORS
            switch listType
            case 0 {
                // ALLOWLIST: listed without selector checks, or listed with this well-known selector's bit set
                let bit := or(
                    mul(eq(selector, shl(224, 0xa9059cbb)), 8), // TRANSFER_ON_LIST
                    mul(eq(selector, shl(224, 0x095ea7b3)), 16) // APPROVE_ON_LIST
                )
                allowed := or(eq(contractFlags, 1), and(eq(contractFlags, 3), gt(and(entry, bit), 0)))
            }
            default { allowed := 0 } // DENYLIST and ALLOW_ALL: {check}
        }
    }

    /// @notice Reverts unless the list allows calling `selector` on `target`.
    function check(
        address account,
        uint256 sessionId,
        uint256 listType,
        uint256 entry,
        address target,
        bytes4 selector
    ) internal view {
        if (listType != uint256(AccessListType.ALLOWLIST)) _requireNotAccountModule(account, target);
        if (listType == uint256(AccessListType.ALLOW_ALL)) return;
        bool listed = entry & ON_LIST != 0;
        bool bySelector = entry & CHECK_SELECTORS != 0;
        if (listType == uint256(AccessListType.ALLOWLIST)) {
            if (!listed) revert ISessionKeyModule.TargetNotOnAllowlist(target);
            if (bySelector && !hasSelector(account, sessionId, entry, target, selector)) {
                revert ISessionKeyModule.SelectorNotOnAllowlist(target, selector);
            }
        } else if (listed) {
            if (!bySelector) revert ISessionKeyModule.TargetOnDenylist(target);
            if (hasSelector(account, sessionId, entry, target, selector)) {
                revert ISessionKeyModule.SelectorOnDenylist(target, selector);
            }
        }
    }

    /**
     * @dev Refuses a call to a validator or executor installed on the account, asked of the account itself (its own
     * code and storage, as ERC-7562 allows), failing closed when it cannot answer. Every ERC-7579 account must support
     * both types; hooks and fallback handlers are optional and not asked (README: what a session key can still do).
     */
    function _requireNotAccountModule(address account, address target) private view {
        for (uint256 moduleType = MODULE_TYPE_VALIDATOR; moduleType <= MODULE_TYPE_EXECUTOR; ++moduleType) {
            try IERC7579ModuleConfig(account).isModuleInstalled(moduleType, target, "") returns (bool installed) {
                if (!installed) continue;
            } catch {}
            revert ISessionKeyModule.CallToAccountModuleNotAllowed(target, moduleType);
        }
    }

    /// @notice Whether `selector` is one of the contract's function entries.
    function hasSelector(address account, uint256 sessionId, uint256 entry, address target, bytes4 selector)
        internal
        view
        returns (bool)
    {
        if (selector == TRANSFER) return entry & TRANSFER_ON_LIST != 0;
        if (selector == APPROVE) return entry & APPROVE_ON_LIST != 0;
        uint256 count = inlineCount(entry);
        for (uint256 i; i < count; ++i) {
            if (inlineSelector(entry, i) == selector) return true;
        }
        return extraCount(entry) != 0
            && SessionKeyStorage.load(SessionKeyStorage.selectorSlot(account, sessionId, target, selector)) != 0;
    }

    /// @notice The entry with new contract-level flags (function entries are kept).
    function withContractEntry(uint256 entry, bool isOnList, bool checkSelectors) internal pure returns (uint256) {
        return (entry & ~(ON_LIST | CHECK_SELECTORS)) | (isOnList ? ON_LIST : 0) | (checkSelectors ? CHECK_SELECTORS : 0);
    }

    /// @notice Adds or removes a function entry; returns the new entry (the caller stores it).
    function updateSelector(
        address account,
        uint256 sessionId,
        uint256 entry,
        address target,
        bytes4 selector,
        bool isOnList
    ) internal returns (uint256) {
        if (selector == TRANSFER) return isOnList ? entry | TRANSFER_ON_LIST : entry & ~TRANSFER_ON_LIST;
        if (selector == APPROVE) return isOnList ? entry | APPROVE_ON_LIST : entry & ~APPROVE_ON_LIST;
        uint256 count = inlineCount(entry);
        for (uint256 i; i < count; ++i) {
            if (inlineSelector(entry, i) != selector) continue;
            if (isOnList) return entry;
            // Move the last inline entry into the freed place.
            uint256 last = uint32(entry >> (64 + 32 * (count - 1)));
            entry &= ~(uint256(0xffffffff) << (64 + 32 * i));
            entry |= last << (64 + 32 * i);
            entry &= ~(uint256(0xffffffff) << (64 + 32 * (count - 1)));
            return _withInlineCount(entry, count - 1);
        }
        uint256 slot = SessionKeyStorage.selectorSlot(account, sessionId, target, selector);
        // With no entries in their own slots there is nothing to look up (a cold read saved per new entry).
        bool stored = extraCount(entry) != 0 && SessionKeyStorage.load(slot) != 0;
        if (stored == isOnList) return entry;
        if (!isOnList) {
            SessionKeyStorage.store(slot, 0);
            return _withExtraCount(entry, extraCount(entry) - 1);
        }
        if (entry & BUDGET_LAYOUT == 0 && count < INLINE_CAPACITY) {
            entry |= uint256(uint32(selector)) << (64 + 32 * count);
            return _withInlineCount(entry, count + 1);
        }
        return _addExtra(account, sessionId, entry, target, selector);
    }

    /**
     * @notice Switches an entry to the budget layout ({Erc20SpendLimit}): its inline function entries move to their
     * own slots, freeing [32,256). A no-op for an entry already in it.
     */
    function toBudgetLayout(address account, uint256 sessionId, uint256 entry, address target)
        internal
        returns (uint256)
    {
        if (entry & BUDGET_LAYOUT != 0) return entry;
        uint256 count = inlineCount(entry);
        for (uint256 i; i < count; ++i) {
            entry = _addExtra(account, sessionId, entry, target, inlineSelector(entry, i));
        }
        return (entry & 0xffffffff) | BUDGET_LAYOUT;
    }

    function _addExtra(address account, uint256 sessionId, uint256 entry, address target, bytes4 selector)
        private
        returns (uint256)
    {
        uint256 extras = extraCount(entry);
        if (extras == MAX_EXTRA) revert ISessionKeyModule.TooManyFunctionEntries(target);
        SessionKeyStorage.store(SessionKeyStorage.selectorSlot(account, sessionId, target, selector), 1);
        return _withExtraCount(entry, extras + 1);
    }

    function _withInlineCount(uint256 entry, uint256 count) private pure returns (uint256) {
        return (entry & ~(uint256(0xff) << 32)) | (count << 32);
    }

    function _withExtraCount(uint256 entry, uint256 count) private pure returns (uint256) {
        return (entry & ~(MAX_EXTRA << 8)) | (count << 8);
    }
}
