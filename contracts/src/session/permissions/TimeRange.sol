// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";

/**
 * @title TimeRange
 * @notice The time permission, and the period arithmetic of refreshing limits, without reading the clock.
 * @dev ERC-7562 bans TIMESTAMP in validation. Instead, an op states a time (in its signature), every refreshing limit
 * it spends from is charged to the period containing that time, and the op's validity window is narrowed to those
 * periods and the key's time range. The EntryPoint then only executes the op while block.timestamp is inside the
 * window, so a wrong stated time can only make the op invalid, never charge the wrong period.
 *
 * A window is inclusive [from, until], packed in one word (from << 128 | until) to keep validation's stack shallow;
 * `until` is OPEN_END when unbounded.
 */
library TimeRange {
    using SessionKeyStorage for uint256;

    uint256 internal constant OPEN_END = type(uint48).max;
    uint256 internal constant MAX_TIMESTAMP = (1 << 40) - 1;

    /// @notice The key's own window.
    function ofKey(uint256 record) internal pure returns (uint256 window) {
        uint256 until = record.validUntil();
        return (record.validFrom() << 128) | (until == 0 ? OPEN_END : until);
    }

    /// @notice The window narrowed to the period of `interval` that contains `statedTime`; returns the period start.
    function narrowToPeriod(uint256 window, uint256 statedTime, uint256 anchor, uint256 interval)
        internal
        pure
        returns (uint256 narrowed, uint256 start)
    {
        uint256 end;
        (start, end) = period(statedTime, anchor, interval);
        uint256 from = window >> 128;
        uint256 until = uint128(window);
        narrowed = ((from > start ? from : start) << 128) | (until < end ? until : end);
    }

    /**
     * @notice The period containing `time`, inclusive. Periods are `[anchor + k × interval, anchor + (k+1) × interval)`
     * for every whole k; the stretch before the first of them after the epoch, [0, anchor % interval), counts as one.
     */
    function period(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start, uint256 end) {
        uint256 offset = anchor % interval;
        if (time < offset) return (0, offset - 1);
        start = time - ((time - offset) % interval);
        end = start + interval - 1;
    }

    /// @notice Start of the period containing `time` (see {period}).
    function periodStart(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start) {
        (start,) = period(time, anchor, interval);
    }

    /// @notice ERC-4337 validation data for the window: the EntryPoint runs the op iff validAfter < now <= validUntil.
    function toValidationData(bool sigFailed, uint256 window) internal pure returns (uint256) {
        uint256 from = window >> 128;
        uint256 until = uint128(window);
        // An empty window, or one ending at time 0, must not reach the EntryPoint as validUntil = 0, which means "no
        // expiry": give it the window (1, 1], which no block can be in.
        if (until < from || until == 0) return (sigFailed ? 1 : 0) | (uint256(1) << 160) | (uint256(1) << 208);
        uint256 validAfter = from == 0 ? 0 : from - 1;
        uint256 validUntil = until == OPEN_END ? 0 : until;
        return (sigFailed ? 1 : 0) | (validUntil << 160) | (validAfter << 208);
    }
}
