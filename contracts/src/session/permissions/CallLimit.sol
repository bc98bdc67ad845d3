// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TimeRange} from "./TimeRange.sol";

/**
 * @title CallLimit
 * @notice The call-count permission: how many calls the key's ops may make, in total or per period (fixed periods, as
 * for every budget). Each call of a batch counts; the count is charged during validation, so two ops of the key in one
 * bundle see each other's calls. A new key has no call limit.
 * @dev The budget shares the key's op budgets slot with its gas budget ({GasSpendLimit}, bits [149,256)), so an op of
 * a key with both writes one slot: [0,32) refresh interval | [32,64) start of the period it belongs to | [64,98) calls
 * left in it, signed (negative after the owner lowered the limit below the calls made) | [98,130) the limit | [130]
 * limited. The first call limit moves the key's gas budget from its record to this slot (FLAG_BUDGETS_SLOT in the
 * record), for good: the record is then only read by its ops, and the slot is read and written once.
 */
library CallLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice The largest call limit; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 32) - 1;
    uint256 internal constant LIMITED = 1 << 130;
    uint256 private constant CALLS_MASK = (1 << 131) - 1;
    uint256 private constant GAS_BITS = ~uint256((1 << 149) - 1);

    function isLimited(uint256 budgets) internal pure returns (bool) {
        return budgets & LIMITED != 0;
    }

    function refreshInterval(uint256 budgets) internal pure returns (uint256) {
        return budgets & SessionKeyStorage.MASK_32;
    }

    function periodStart(uint256 budgets) internal pure returns (uint256) {
        return (budgets >> 32) & SessionKeyStorage.MASK_32;
    }

    function limitOf(uint256 budgets) internal pure returns (uint256) {
        return (budgets >> 98) & SessionKeyStorage.MASK_32;
    }

    function _remaining(uint256 budgets) private pure returns (int256) {
        return int256(budgets << 158) >> 222;
    }

    function _withRemaining(uint256 budgets, int256 remaining) private pure returns (uint256) {
        return (budgets & ~(uint256((1 << 34) - 1) << 64)) | ((uint256(remaining) & ((1 << 34) - 1)) << 64);
    }

    // ================================================================== check and charge (validation)

    /**
     * @notice Charges `calls` (the op's number of calls) to the key's call budget in the period containing
     * `statedTime`; nothing when the key has no call limit.
     * @return updated `budgets` with the charge (the caller stores it).
     * @return narrowed The window narrowed to the period charged.
     */
    function charge(uint256 budgets, uint256 anchor, uint256 calls, uint256 statedTime, uint256 window)
        internal
        pure
        returns (uint256 updated, uint256 narrowed)
    {
        if (budgets & LIMITED == 0) return (budgets, window);
        int256 remaining = _remaining(budgets);
        uint256 interval = budgets & SessionKeyStorage.MASK_32;
        narrowed = window;
        if (interval != 0) {
            uint256 start;
            bool refreshed;
            (narrowed, start, refreshed) =
                TimeRange.narrowToBudgetPeriod(window, statedTime, periodStart(budgets), anchor, interval);
            // A new period starts from the whole limit: budgets refresh by themselves and never get stuck.
            if (refreshed) {
                budgets = (budgets & ~(SessionKeyStorage.MASK_32 << 32)) | (start << 32);
                remaining = int256(limitOf(budgets));
            }
        }
        if (remaining < 0 || calls > uint256(remaining)) {
            uint256 limit = limitOf(budgets);
            revert ISessionKeyModule.CallLimitExceeded(limit, uint256(int256(limit) - remaining), calls);
        }
        // `calls` ≤ remaining < 2^33: the difference fits.
        updated = _withRemaining(budgets, remaining - int256(calls));
    }

    // ================================================================== apply (management)

    /// @notice Applies `setCallLimit` or `removeCallLimit`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setCallLimit.selector) {
            uint256 limit = u.limitArg(update, 0, 2, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 1, 2);
            uint256 slot = _budgetsSlot(u);
            slot.store(_rebase(slot.load(), limit, interval, u.record.refreshAnchor(), now_));
        } else if (selector == Updates.removeCallLimit.selector) {
            u.noArgs(update);
            if (u.record & SessionKeyStorage.FLAG_BUDGETS_SLOT != 0) {
                uint256 slot = SessionKeyStorage.opBudgetsSlot(u.account, u.sessionId());
                slot.store(slot.load() & ~LIMITED); // the budget's state is kept
            }
        } else {
            return false;
        }
        return true;
    }

    /// @dev The key's op budgets slot; the first time, the key's gas budget moves there from its record.
    function _budgetsSlot(KeyUpdate memory u) private returns (uint256 slot) {
        slot = SessionKeyStorage.opBudgetsSlot(u.account, u.sessionId());
        if (u.record & SessionKeyStorage.FLAG_BUDGETS_SLOT != 0) return slot;
        // A session's slot is only ever written once the flag is set, so it is empty here.
        slot.store(u.record & GAS_BITS);
        u.record = (u.record & ~GAS_BITS) | SessionKeyStorage.FLAG_BUDGETS_SLOT;
    }

    /// @dev The budget with a new limit or interval, keeping the calls made in the current period (`now_`), and that
    /// period if the interval is unchanged ({TimeRange-startAfterChange}).
    function _rebase(uint256 budgets, uint256 newLimit, uint256 newInterval, uint256 anchor, uint256 now_)
        private
        pure
        returns (uint256)
    {
        uint256 used = _usedAt(budgets, now_);
        uint256 start =
            TimeRange.startAfterChange(periodStart(budgets), refreshInterval(budgets), newInterval, anchor, now_);
        uint256 calls = LIMITED | newInterval | (start << 32) | (newLimit << 98);
        return _withRemaining((budgets & ~CALLS_MASK) | calls, int256(newLimit) - int256(used));
    }

    /// @dev Calls made in the current period at `now_` (all of them for a lifetime limit): none once the stored period
    /// is over by its own clock.
    function _usedAt(uint256 budgets, uint256 now_) private pure returns (uint256) {
        if (TimeRange.isOver(periodStart(budgets), refreshInterval(budgets), now_)) return 0;
        int256 used = int256(limitOf(budgets)) - _remaining(budgets);
        return used < 0 ? 0 : uint256(used);
    }

    // ================================================================== status (lens)

    /// @notice The key's call budget now (`now_`), as the lens reports it, from its record and its op budgets slot.
    function status(uint256 record, uint256 budgets, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        if (record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0) return TimeRange.budgetStatus(false, 0, 0, 0, 0, 0, 0, now_);
        uint256 limit = limitOf(budgets);
        uint256 used = _usedAt(budgets, now_);
        return TimeRange.budgetStatus(
            isLimited(budgets),
            limit,
            used,
            used >= limit ? 0 : limit - used,
            refreshInterval(budgets),
            periodStart(budgets),
            record.refreshAnchor(),
            now_
        );
    }
}
