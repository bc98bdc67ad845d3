// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {
    IERC7579ModuleConfig,
    MODULE_TYPE_VALIDATOR,
    MODULE_TYPE_EXECUTOR
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates, AccessListType} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TargetList} from "../updates/TargetList.sol";

/**
 * @title AccessList
 * @notice The access-control permission: which contracts, and which of their functions, a key may call.
 * @dev One slot per (session, contract), the contract's entry, read by every call to it:
 * [0] on list | [1] check selectors | [2] ERC-20 limited ({Erc20SpendLimit}) | [3] `transfer` listed | [4] `approve`
 * listed | [5] budget layout | [6] on the session's target list ({TargetList}) | [8,32) count of function entries kept
 * in their own slots | [40,64) place in the target list. Without the budget layout, [32,40) holds how many function
 * entries are inline and [64 + 32i, 96 + 32i) inline entry i (i < 6), so a contract with a few listed functions costs
 * one cold read per call. A token that has ever had an ERC-20 limit uses the budget layout instead: [64,256) belongs to
 * {Erc20SpendLimit}, and its function entries other than `transfer` and `approve` (which have their own bits in every
 * layout) live in their own slots. Entries in their own slots are also kept in the contract's selector list
 * (KIND_SELECTOR_LIST, eight per slot), and each one's slot holds its place there + 1, so they are enumerable too.
 *
 * Changing the list type keeps the entries and reads them the new way: an allowlisted contract becomes denied under
 * DENYLIST, and ALLOW_ALL ignores them. Switch types together with the entries you mean.
 *
 * Under DENYLIST and ALLOW_ALL a key never calls a validator or executor installed on the account: such a module keeps
 * its configuration per msg.sender, so the key could make itself its signer or operator and then act without limits.
 */
library AccessList {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

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

    // ================================================================== check (validation)

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

    // ================================================================== apply (management)

    /// @notice Applies `setAccessListType`, `updateAccessListAddressEntry` or `updateAccessListFunctionEntry`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal returns (bool handled) {
        if (selector == Updates.setAccessListType.selector) {
            uint256 listType = u.arg(update, 0, 1);
            if (listType > uint256(AccessListType.ALLOW_ALL)) revert ISessionKeyModule.InvalidAccessListType(listType);
            u.record = u.record.withListType(listType);
        } else if (selector == Updates.updateAccessListAddressEntry.selector) {
            address target = u.targetArg(update, 0, 3);
            uint256 slot = SessionKeyStorage.targetSlot(u.account, u.sessionId(), target);
            uint256 entry = TargetList.enumerate(u, target, slot.load());
            slot.store(withContractEntry(entry, u.boolArg(update, 1, 3), u.boolArg(update, 2, 3)));
        } else if (selector == Updates.updateAccessListFunctionEntry.selector) {
            address target = u.targetArg(update, 0, 3);
            uint256 word = u.arg(update, 1, 3);
            if (word << 32 != 0) revert ISessionKeyModule.MalformedPermissionUpdate(u.i); // bytes4 is left-aligned
            bool isOnList = u.boolArg(update, 2, 3);
            uint256 sessionId = u.sessionId();
            uint256 slot = SessionKeyStorage.targetSlot(u.account, sessionId, target);
            uint256 entry = TargetList.enumerate(u, target, slot.load());
            slot.store(updateSelector(u.account, sessionId, entry, target, bytes4(bytes32(word)), isOnList));
        } else {
            return false;
        }
        return true;
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
        uint256 place = extraCount(entry) == 0 ? 0 : SessionKeyStorage.load(slot);
        if ((place != 0) == isOnList) return entry;
        if (!isOnList) return _removeExtra(account, sessionId, entry, target, selector, place - 1);
        if (entry & BUDGET_LAYOUT == 0 && count < INLINE_CAPACITY) {
            entry |= uint256(uint32(selector)) << (64 + 32 * count);
            return _withInlineCount(entry, count + 1);
        }
        return _addExtra(account, sessionId, entry, target, selector);
    }

    /**
     * @notice Switches an entry to the budget layout ({Erc20SpendLimit}): its inline function entries move to their
     * own slots, freeing [64,256). A no-op for an entry already in it.
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
        // Keep the flags, the extra count and the list place; drop the inline count and entries.
        return (entry & (((1 << 64) - 1) & ~(uint256(0xff) << 32))) | BUDGET_LAYOUT;
    }

    /// @dev Keeps `selector` in its own slot (its place in the selector list + 1) and appends it to the list.
    function _addExtra(address account, uint256 sessionId, uint256 entry, address target, bytes4 selector)
        private
        returns (uint256)
    {
        uint256 extras = extraCount(entry);
        if (extras == MAX_EXTRA) revert ISessionKeyModule.TooManyFunctionEntries(target);
        SessionKeyStorage.store(SessionKeyStorage.selectorSlot(account, sessionId, target, selector), extras + 1);
        _setListed(account, sessionId, target, extras, selector);
        return _withExtraCount(entry, extras + 1);
    }

    /// @dev Removes the entry at `place` of the selector list: the last one takes its place.
    function _removeExtra(
        address account,
        uint256 sessionId,
        uint256 entry,
        address target,
        bytes4 selector,
        uint256 place
    ) private returns (uint256) {
        uint256 last = extraCount(entry) - 1;
        if (place != last) {
            bytes4 moved = listedSelector(account, sessionId, target, last);
            _setListed(account, sessionId, target, place, moved);
            SessionKeyStorage.store(SessionKeyStorage.selectorSlot(account, sessionId, target, moved), place + 1);
        }
        _setListed(account, sessionId, target, last, bytes4(0));
        SessionKeyStorage.store(SessionKeyStorage.selectorSlot(account, sessionId, target, selector), 0);
        return _withExtraCount(entry, last);
    }

    /// @notice Entry `place` of a contract's selector list (its function entries kept in their own slots).
    function listedSelector(address account, uint256 sessionId, address target, uint256 place)
        internal
        view
        returns (bytes4)
    {
        return selectorInGroup(SessionKeyStorage.selectorListSlot(account, sessionId, target, place >> 3).load(), place);
    }

    function _setListed(address account, uint256 sessionId, address target, uint256 place, bytes4 selector) private {
        uint256 slot = SessionKeyStorage.selectorListSlot(account, sessionId, target, place >> 3);
        uint256 shift = (place & 7) * 32;
        slot.store((slot.load() & ~(uint256(0xffffffff) << shift)) | (uint256(uint32(selector)) << shift));
    }

    function _withInlineCount(uint256 entry, uint256 count) private pure returns (uint256) {
        return (entry & ~(uint256(0xff) << 32)) | (count << 32);
    }

    function _withExtraCount(uint256 entry, uint256 count) private pure returns (uint256) {
        return (entry & ~(MAX_EXTRA << 8)) | (count << 8);
    }

    // ================================================================== status (lens)

    /// @notice A contract's function entries kept in the entry itself: `transfer` and `approve` (their bits), then the
    /// inline ones. Those in their own slots follow in the lens, read from the selector list ({selectorInGroup}).
    function entrySelectors(uint256 entry) internal pure returns (bytes4[] memory list) {
        uint256 inline_ = inlineCount(entry);
        list = new bytes4[](2 + inline_);
        uint256 n;
        if (entry & TRANSFER_ON_LIST != 0) list[n++] = TRANSFER;
        if (entry & APPROVE_ON_LIST != 0) list[n++] = APPROVE;
        for (uint256 i; i < inline_; ++i) {
            list[n++] = inlineSelector(entry, i);
        }
        assembly ("memory-safe") {
            mstore(list, n)
        }
    }

    /// @notice Entry `place` of a contract's selector list, from the list slot (`group`) that holds it.
    function selectorInGroup(uint256 group, uint256 place) internal pure returns (bytes4) {
        return bytes4(uint32(group >> ((place & 7) * 32)));
    }
}
