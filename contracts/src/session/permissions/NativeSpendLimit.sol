// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TimeRange} from "./TimeRange.sol";

/**
 * @title NativeSpendLimit
 * @notice The native token permission: the sum of the values of an op's calls counts against the key's limit.
 * @dev A new key has a limit of zero: it can send no value until the owner sets a limit or removes it (an explicit
 * "no limit", FLAG_NATIVE_UNLIMITED in the key's record). The budget is one slot per session, read only by ops that
 * send value: [0,32) refresh interval | [32,64) start of the period `used` belongs to | [64,160) limit | [160,256) used.
 */
library NativeSpendLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice The largest limit the module stores, in wei; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 96) - 1;

    function refreshInterval(uint256 budget) internal pure returns (uint256) {
        return budget & SessionKeyStorage.MASK_32;
    }

    function limit(uint256 budget) internal pure returns (uint256) {
        return (budget >> 64) & MAX_LIMIT;
    }

    function _pack(uint256 interval, uint256 start, uint256 limit_, uint256 used) private pure returns (uint256) {
        return interval | (start << 32) | (limit_ << 64) | (used << 160);
    }

    /**
     * @notice Charges `amount` (> 0) to the key's budget in the period containing `statedTime`.
     * @return narrowed The window narrowed to that period.
     */
    function charge(address account, uint256 record, uint256 amount, uint256 statedTime, uint256 window)
        internal
        returns (uint256 narrowed)
    {
        uint256 slot = SessionKeyStorage.nativeSlot(account, record.sessionId());
        uint256 budget = SessionKeyStorage.load(slot);
        uint256 interval = refreshInterval(budget);
        uint256 start = (budget >> 32) & SessionKeyStorage.MASK_32;
        uint256 limit_ = limit(budget);
        uint256 used = budget >> 160;
        narrowed = window;
        if (interval != 0) {
            bool refreshed;
            (narrowed, start, refreshed) =
                TimeRange.narrowToBudgetPeriod(window, statedTime, start, record.refreshAnchor(), interval);
            if (refreshed) used = 0;
        }
        // `amount` is the sum of values the signer chose: compare without overflow. `used` may exceed a lowered limit.
        if (used > limit_ || amount > limit_ - used) {
            revert ISessionKeyModule.NativeTokenSpendLimitExceeded(limit_, used, amount);
        }
        unchecked {
            SessionKeyStorage.store(slot, _pack(interval, start, limit_, used + amount));
        }
    }

    /// @notice A budget with a new limit or interval, keeping what was spent in the current period (`now_`), and that
    /// period if the interval is unchanged ({TimeRange-startAfterChange}).
    function rebase(uint256 budget, uint256 newLimit, uint256 newInterval, uint256 anchor, uint256 now_)
        internal
        pure
        returns (uint256)
    {
        uint256 start =
            TimeRange.startAfterChange(periodStart(budget), refreshInterval(budget), newInterval, anchor, now_);
        return _pack(newInterval, start, newLimit, usedAt(budget, now_));
    }

    /// @notice What has been spent in the current period at `now_` (everything, for a lifetime limit): nothing once the
    /// stored period is over by its own clock.
    function usedAt(uint256 budget, uint256 now_) internal pure returns (uint256) {
        if (TimeRange.isOver(periodStart(budget), refreshInterval(budget), now_)) return 0;
        return budget >> 160;
    }

    function periodStart(uint256 budget) internal pure returns (uint256) {
        return (budget >> 32) & SessionKeyStorage.MASK_32;
    }

    /// @notice Applies `setNativeTokenSpendLimit` or `removeNativeTokenSpendLimit`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setNativeTokenSpendLimit.selector) {
            uint256 limit_ = u.limitArg(update, 0, 2, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 1, 2);
            uint256 slot = SessionKeyStorage.nativeSlot(u.account, u.sessionId());
            slot.store(rebase(slot.load(), limit_, interval, u.record.refreshAnchor(), now_));
            u.record = u.record.withFlag(SessionKeyStorage.FLAG_NATIVE_UNLIMITED, false);
        } else if (selector == Updates.removeNativeTokenSpendLimit.selector) {
            u.noArgs(update);
            u.record = u.record.withFlag(SessionKeyStorage.FLAG_NATIVE_UNLIMITED, true);
        } else {
            return false;
        }
        return true;
    }

    /// @notice The key's native budget now (`now_`), as the lens reports it, from its record and its native slot.
    function status(uint256 record, uint256 budget, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        uint256 limit_ = limit(budget);
        uint256 used = usedAt(budget, now_);
        return TimeRange.budgetStatus(
            record & SessionKeyStorage.FLAG_NATIVE_UNLIMITED == 0,
            limit_,
            used,
            used >= limit_ ? 0 : limit_ - used,
            refreshInterval(budget),
            periodStart(budget),
            record.refreshAnchor(),
            now_
        );
    }
}
