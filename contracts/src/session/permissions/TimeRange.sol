// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";

/**
 * @title TimeRange
 * @notice The time permission, and the period arithmetic of refreshing limits, without reading the clock.
 * @dev ERC-7562 bans TIMESTAMP in validation. Instead, an op states a time (in its signature), every refreshing limit
 * it spends from is charged to the period containing that time, and the op's validity window is narrowed to those
 * periods and the key's time range. The EntryPoint then only executes the op while block.timestamp is inside the
 * window, so a wrong stated time can only make the op invalid, never charge the wrong period.
 *
 * A window is inclusive [from, until], packed in one word (from << 128 | until) to keep validation's stack shallow;
 * `until` is OPEN_END when unbounded. Timestamps are stored in 32 bits (until 2106).
 *
 * Its updates: `setTimeRange`, and `setRefreshAnchor` (where every refreshing limit's periods start), applied before
 * the other updates of the same call ({applyAnchor}).
 */
library TimeRange {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    uint256 internal constant OPEN_END = 0xffffffffffff; // type(uint48).max
    uint256 internal constant MAX_TIMESTAMP = (1 << 32) - 1;

    /// @notice The key's own window.
    function ofKey(uint256 record) internal pure returns (uint256 window) {
        uint256 until = record.validUntil();
        return (record.validFrom() << 128) | (until == 0 ? OPEN_END : until);
    }

    /**
     * @notice The period a budget charges an op stating `statedTime` to, and the window narrowed to it.
     * @dev While `statedTime` is before the end of the budget's stored period, [storedStart, storedStart + interval), the
     * op charges that period and must run inside it. Once it has ended, the op opens the period of `statedTime` (from
     * `anchor`, every `interval` seconds) and must run inside that period and after the stored one: after an anchor
     * change the new periods may overlap the stored one, and a fresh budget must never open early.
     * @return narrowed The window narrowed accordingly.
     * @return start The start of the period charged.
     * @return refreshed Whether a new period opens (the budget starts again from its whole limit).
     */
    function narrowToBudgetPeriod(
        uint256 window,
        uint256 statedTime,
        uint256 storedStart,
        uint256 anchor,
        uint256 interval
    ) internal pure returns (uint256 narrowed, uint256 start, bool refreshed) {
        uint256 from = storedStart;
        uint256 end;
        unchecked {
            // Callers pass interval > 0 and times below 2^33: nothing here overflows.
            uint256 storedEnd = storedStart + interval; // exclusive
            end = storedEnd - 1;
            start = storedStart;
            if (statedTime >= storedEnd) {
                refreshed = true;
                (start, end) = period(statedTime, anchor, interval);
                from = start < storedEnd ? storedEnd : start;
            }
        }
        // Assembly: min/max on the window's packed halves, once per refreshing limit per op.
        assembly ("memory-safe") {
            let windowFrom := shr(128, window)
            let windowUntil := and(window, 0xffffffffffffffffffffffffffffffff)
            if lt(windowFrom, from) { windowFrom := from }
            if gt(windowUntil, end) { windowUntil := end }
            narrowed := or(shl(128, windowFrom), windowUntil)
        }
    }

    /**
     * @notice The period containing `time`, inclusive. Periods are `[anchor + k × interval, anchor + (k+1) × interval)`
     * for every whole k; the stretch before the first of them after the epoch, [0, anchor % interval), counts as one.
     */
    function period(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start, uint256 end) {
        // Callers pass interval > 0 and times below 2^48, so nothing here can overflow or divide by zero: plain
        // arithmetic saves the checks on every refreshing limit of every op.
        assembly ("memory-safe") {
            let offset := mod(anchor, interval)
            switch lt(time, offset)
            case 1 { end := sub(offset, 1) }
            default {
                start := sub(time, mod(sub(time, offset), interval))
                end := sub(add(start, interval), 1)
            }
        }
    }

    /**
     * @notice Where a budget's period starts after its limit or interval changes at `now_`: with the interval unchanged
     * and its period still running, that period goes on (so re-sending a limit never opens a period early); otherwise
     * the period of `now_` on the grid of `anchor`. 0 for a lifetime limit.
     */
    function startAfterChange(uint256 storedStart, uint256 oldInterval, uint256 newInterval, uint256 anchor, uint256 now_)
        internal
        pure
        returns (uint256)
    {
        if (newInterval != 0 && newInterval == oldInterval && !isOver(storedStart, oldInterval, now_)) return storedStart;
        return periodStart(now_, anchor, newInterval);
    }

    /// @notice Whether a refreshing budget's stored period [storedStart, storedStart + interval) has ended at `now_`, by
    /// its own clock (whatever the anchor since). Never for a lifetime limit (interval 0).
    function isOver(uint256 storedStart, uint256 interval, uint256 now_) internal pure returns (bool) {
        return interval != 0 && now_ >= storedStart + interval;
    }

    /// @notice Start of the period containing `time` (see {period}); 0 for a lifetime limit (interval 0).
    function periodStart(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start) {
        if (interval != 0) (start,) = period(time, anchor, interval);
    }

    /// @notice ERC-4337 validation data for the window: the EntryPoint runs the op iff validAfter < now <= validUntil.
    function toValidationData(bool sigFailed, uint256 window) internal pure returns (uint256 validationData) {
        // Assembly: packs the EntryPoint's word once per op without checked arithmetic (both halves are below 2^48).
        assembly ("memory-safe") {
            let from := shr(128, window)
            let until := and(window, 0xffffffffffffffffffffffffffffffff)
            switch or(lt(until, from), iszero(until))
            // An empty window, or one ending at time 0, must not reach the EntryPoint as validUntil = 0, which means
            // "no expiry": give it the window (1, 1], which no block can be in.
            case 1 { validationData := or(shl(160, 1), shl(208, 1)) }
            default {
                let validAfter := sub(from, gt(from, 0))
                let validUntil := mul(until, iszero(eq(until, OPEN_END)))
                validationData := or(shl(160, validUntil), shl(208, validAfter))
            }
            validationData := or(validationData, sigFailed)
        }
    }

    // ================================================================== apply (management)

    /// @notice Applies `setRefreshAnchor`: first, so every limit set in the same call starts its periods from it.
    /// It moves no budget: each keeps the period it is in until that period ends by its own clock.
    /// @return handled Whether `selector` is setRefreshAnchor.
    function applyAnchor(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal pure returns (bool handled) {
        if (selector != Updates.setRefreshAnchor.selector) return false;
        u.record = u.record.withRefreshAnchor(u.timestampArg(update, 0, 1));
        return true;
    }

    /// @notice Applies `setTimeRange` (and accepts `setRefreshAnchor`, applied first by {applyAnchor}).
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal pure returns (bool handled) {
        if (selector == Updates.setTimeRange.selector) {
            uint256 from = u.timestampArg(update, 0, 2);
            uint256 until = u.timestampArg(update, 1, 2);
            if (until != 0 && from > until) revert ISessionKeyModule.InvalidTimeRange(from, until);
            u.record = u.record.withTimeRange(from, until);
            return true;
        }
        return selector == Updates.setRefreshAnchor.selector;
    }

    // ================================================================== status (lens)

    /**
     * @notice A budget's state at `now_` as the lens reports it. The current period is the stored one until it ends
     * by its own clock; then the period of now, starting no earlier than the stored one's end (see
     * {narrowToBudgetPeriod}).
     */
    function budgetStatus(
        bool hasLimit,
        uint256 limit,
        uint256 used,
        uint256 remaining,
        uint256 interval,
        uint256 storedStart,
        uint256 anchor,
        uint256 now_
    ) internal pure returns (ISessionKeyLens.SpendLimitStatus memory status) {
        status.hasLimit = hasLimit;
        status.limit = limit;
        status.used = used;
        status.remaining = remaining;
        status.refreshInterval = uint48(interval);
        if (interval == 0) return status;
        uint256 storedEnd = storedStart + interval;
        if (!isOver(storedStart, interval, now_)) {
            status.periodStart = uint48(storedStart);
            status.nextRefresh = uint48(storedEnd);
        } else {
            (uint256 start, uint256 end) = period(now_, anchor, interval);
            status.periodStart = uint48(start > storedEnd ? start : storedEnd);
            status.nextRefresh = uint48(end + 1);
        }
    }
}
