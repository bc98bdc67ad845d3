// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TargetList} from "../updates/TargetList.sol";
import {AccessList} from "./AccessList.sol";
import {TimeRange} from "./TimeRange.sol";

/**
 * @title Erc20SpendLimit
 * @notice The ERC-20 permission: on a token with a limit, only `transfer` and `approve` may be called, in every
 * access-list mode, and both amounts count (approve at its full amount).
 * @dev Allowing anything else would reopen known bypasses: `transferFrom` after an approve, `increaseAllowance`, or
 * `permit`. The budget shares the token's entry ({AccessList}, budget layout), read for the call anyway:
 * [2] limited | [40,64) the token's place in the target list | [64,96) refresh interval | [96,128) start of the period
 * it belongs to | [128,226) what remains of it, signed (negative after the owner lowered the limit below what was
 * already spent, so raising it again later gives back only the difference). The limit itself, only needed when a
 * period refreshes, sits beside the token's address in its target-list slot ([160,256)), which enumerating the token
 * needs anyway. Removing a limit keeps the budget's state, so setting one again continues from what was spent.
 */
library Erc20SpendLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    uint256 internal constant LIMITED = 1 << 2;
    /// @notice The largest limit the module stores (as for the native token); remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 96) - 1;
    uint256 private constant MASK_98 = (1 << 98) - 1;

    function isLimited(uint256 entry) internal pure returns (bool) {
        return entry & LIMITED != 0;
    }

    /// @notice Start of the period the budget belongs to (0 for a token never limited).
    function periodStart(uint256 entry) internal pure returns (uint256) {
        return entry & AccessList.BUDGET_LAYOUT == 0 ? 0 : (entry >> 96) & SessionKeyStorage.MASK_32;
    }

    function refreshInterval(uint256 entry) internal pure returns (uint256) {
        return entry & AccessList.BUDGET_LAYOUT == 0 ? 0 : (entry >> 64) & SessionKeyStorage.MASK_32;
    }

    // ================================================================== check and charge (validation)

    /**
     * @notice Charges a call to a limited token; reverts for any function but transfer and approve, or beyond the limit.
     * @param slot The token entry's slot; `entry` its value.
     * @return narrowed The window narrowed to the period charged.
     */
    function charge(
        address account,
        uint256 record,
        uint256 slot,
        uint256 entry,
        address token,
        bytes4 selector,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) internal returns (uint256 narrowed) {
        if ((selector != AccessList.TRANSFER && selector != AccessList.APPROVE) || data.length < 68) {
            revert ISessionKeyModule.Erc20FunctionNotAllowed(token, selector);
        }
        uint256 amount;
        assembly ("memory-safe") {
            amount := calldataload(add(data.offset, 36))
        }
        int256 remaining = _remaining(entry);
        uint256 interval = (entry >> 64) & SessionKeyStorage.MASK_32;
        narrowed = window;
        if (interval != 0) {
            uint256 start;
            bool refreshed;
            (narrowed, start, refreshed) = TimeRange.narrowToBudgetPeriod(
                window, statedTime, (entry >> 96) & SessionKeyStorage.MASK_32, record.refreshAnchor(), interval
            );
            // A new period starts from the whole limit: budgets refresh by themselves and never get stuck.
            if (refreshed) {
                entry = (entry & ~(SessionKeyStorage.MASK_32 << 96)) | (start << 96);
                remaining = int256(_limit(account, record, entry));
            }
        }
        if (remaining < 0 || amount > uint256(remaining)) {
            uint256 limit_ = _limit(account, record, entry);
            revert ISessionKeyModule.Erc20SpendLimitExceeded(token, limit_, _used(limit_, remaining), amount);
        }
        unchecked {
            SessionKeyStorage.store(slot, (entry & ~(MASK_98 << 128)) | ((uint256(remaining) - amount) << 128));
        }
    }

    // ================================================================== apply (management)

    /// @notice Applies `setErc20SpendLimit` or `removeErc20SpendLimit`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setErc20SpendLimit.selector) {
            address token = u.targetArg(update, 0, 3);
            uint256 limit = u.limitArg(update, 1, 3, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 2, 3);
            uint256 slot = SessionKeyStorage.targetSlot(u.account, u.sessionId(), token);
            slot.store(set(u, slot.load(), token, limit, interval, now_));
        } else if (selector == Updates.removeErc20SpendLimit.selector) {
            uint256 slot = SessionKeyStorage.targetSlot(u.account, u.sessionId(), u.targetArg(update, 0, 1));
            slot.store(slot.load() & ~LIMITED); // the budget's state is kept
        } else {
            return false;
        }
        return true;
    }

    /**
     * @notice Sets a token's limit (switching its entry to the budget layout), keeping what was spent in the current
     * period (`now_`) when the token was limited before, and that period if the interval is unchanged
     * ({TimeRange-startAfterChange}). Returns the new entry; the limit is written beside the token in its target list.
     */
    function set(KeyUpdate memory u, uint256 entry, address token, uint256 newLimit, uint256 newInterval, uint256 now_)
        internal
        returns (uint256)
    {
        uint256 record = u.record;
        entry = TargetList.enumerate(u, token, entry);
        uint256 listSlot = SessionKeyStorage.targetListSlot(u.account, record.sessionId(), TargetList.indexOf(entry));
        uint256 used;
        if (entry & AccessList.BUDGET_LAYOUT != 0) {
            (used,) = _usedAndRemaining(entry, listSlot.load() >> 160, now_);
        } else {
            entry = AccessList.toBudgetLayout(u.account, record.sessionId(), entry, token);
        }
        listSlot.store(uint160(token) | (newLimit << 160));
        uint256 start =
            TimeRange.startAfterChange(periodStart(entry), refreshInterval(entry), newInterval, record.refreshAnchor(), now_);
        // Both below 2^96: the difference fits the 98-bit signed field.
        int256 remaining = int256(newLimit) - int256(used);
        return (entry & ((1 << 64) - 1)) | LIMITED | (newInterval << 64) | (start << 96)
            | ((uint256(remaining) & MASK_98) << 128);
    }

    // ================================================================== status (lens)

    /// @notice The token's budget now (`now_`), as the lens reports it, from its entry and its target-list slot.
    function status(uint256 record, uint256 entry, uint256 listSlotWord, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        if (entry & AccessList.BUDGET_LAYOUT == 0) {
            return TimeRange.budgetStatus(false, 0, 0, 0, 0, 0, 0, now_);
        }
        uint256 limit_ = listSlotWord >> 160;
        (uint256 used, uint256 remaining) = _usedAndRemaining(entry, limit_, now_);
        return TimeRange.budgetStatus(
            isLimited(entry), limit_, used, remaining, refreshInterval(entry), periodStart(entry), record.refreshAnchor(), now_
        );
    }

    /// @dev Used and remaining at `now_`: the whole limit once the stored period is over by its own clock.
    function _usedAndRemaining(uint256 entry, uint256 limit_, uint256 now_)
        private
        pure
        returns (uint256 used, uint256 remaining)
    {
        if (TimeRange.isOver(periodStart(entry), refreshInterval(entry), now_)) return (0, limit_);
        used = _used(limit_, _remaining(entry));
        remaining = used >= limit_ ? 0 : limit_ - used;
    }

    /// @dev The signed remaining amount in [128,226).
    function _remaining(uint256 entry) private pure returns (int256) {
        return int256(entry << 30) >> 158;
    }

    function _used(uint256 limit_, int256 remaining) private pure returns (uint256) {
        // limit < 2^96 and |remaining| < 2^97: no overflow.
        return uint256(int256(limit_) - remaining);
    }

    /// @dev The limit, beside the token in its target-list slot.
    function _limit(address account, uint256 record, uint256 entry) private view returns (uint256) {
        return SessionKeyStorage.load(
            SessionKeyStorage.targetListSlot(account, record.sessionId(), TargetList.indexOf(entry))
        ) >> 160;
    }
}
