// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {TimeRange} from "../../../src/session/permissions/TimeRange.sol";
import {SessionFuzzBase, Reference} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of refreshing limits: the period arithmetic against a reference, charges at the exact first and
/// last second of a period, accumulation within a period, reset in the next one, stated times outside the current
/// period, and what an interval or anchor change does to an ERC-20 budget (LimitChangeFuzz.t.sol covers every kind of
/// limit, RefreshRuleFuzz.t.sol the refresh rule). Times are 32-bit.
contract PeriodBoundaryFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_TS = Reference.MAX_TIMESTAMP; // 2^32 - 1

    function setUp() public override {
        super.setUp();
        _addKey(sessionKey, _openPermissions());
    }

    /// @dev External so that a revert of the library would show as such.
    function periodOf(uint256 time, uint256 anchor, uint256 interval) external pure returns (uint256, uint256) {
        return TimeRange.period(time, anchor, interval);
    }

    function _interval(uint256 seed, uint256 raw) internal pure returns (uint256) {
        // Mostly realistic intervals, sometimes anything the module stores.
        if (seed % 3 == 0) return bound(raw, 1, type(uint32).max);
        if (seed % 3 == 1) return bound(raw, 1, 120);
        return bound(raw, 1, 60 days);
    }

    function _setLimit(uint256 limit, uint256 interval, uint256 anchor) internal {
        bytes[] memory updates = new bytes[](2);
        updates[0] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
        updates[1] = _erc20Limit(address(token), limit, interval);
        _update(sessionKey, updates);
    }

    function _send(uint256 amount, uint256 statedTime) internal returns (bool) {
        return _trySend(_signedOp(_transferCall(recipient, amount), statedTime));
    }

    /// @dev The token's status now, for a period [start, end] of `interval` (end + 1 = start + interval except for
    /// the stretch before the first period after the epoch).
    function _assertStatus(uint256 limit, uint256 used, uint256 start, uint256 end, uint256 interval, string memory when)
        internal
        view
    {
        ISessionKeyLens.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
        assertTrue(s.hasLimit, string.concat(when, ": hasLimit"));
        assertEq(s.limit, limit, string.concat(when, ": limit"));
        assertEq(s.used, used, string.concat(when, ": used"));
        assertEq(s.remaining, used >= limit ? 0 : limit - used, string.concat(when, ": remaining"));
        assertEq(s.refreshInterval, interval, string.concat(when, ": interval"));
        assertEq(s.periodStart, start, string.concat(when, ": periodStart"));
        assertEq(s.nextRefresh, end + 1, string.concat(when, ": nextRefresh"));
    }

    function _assertStatus(uint256 limit, uint256 used, uint256 start, uint256 interval, string memory when)
        internal
        view
    {
        _assertStatus(limit, used, start, start + interval - 1, interval, when);
    }

    /// @dev An anchor, anywhere in 32-bit time, whose periods of `interval` include one starting at `start`.
    function _anchorFor(uint256 start, uint256 interval, uint256 seed) internal pure returns (uint256) {
        uint256 before = start / interval; // whole periods between the epoch and start
        uint256 afterwards = (MAX_TS - start) / interval;
        uint256 k = bound(seed, 0, before + afterwards);
        return k <= before ? start - k * interval : start + (k - before) * interval;
    }

    // ------------------------------------------------------------------ arithmetic

    function testFuzz_periodStart_matchesReference(uint256 time, uint256 anchor, uint256 interval, uint8 seed)
        public
        view
    {
        time = bound(time, 0, type(uint48).max);
        anchor = bound(anchor, 0, MAX_TS);
        interval = _interval(seed, interval);
        if (seed % 4 == 0) time = anchor; // a period start
        if (seed % 4 == 1 && anchor >= 1) time = anchor - 1; // last second of the period before the anchor
        if (seed % 4 == 2) time = bound(time, 0, anchor % interval); // the stretch before the first period
        (uint256 expectedStart, uint256 expectedEnd) = Reference.period(time, anchor, interval);
        (uint256 start, uint256 end) = this.periodOf(time, anchor, interval);
        assertEq(start, expectedStart, "period start");
        assertEq(end, expectedEnd, "period end");
        assertEq(TimeRange.periodStart(time, anchor, interval), start, "periodStart");
        assertLe(start, time, "start <= time");
        assertGe(end, time, "time <= end");
        // The end is always one second before a period start: anchor + k*interval - 1.
        assertEq((end + 1 + interval * (1 + anchor / interval) - anchor) % interval, 0, "end + 1 is a period start");
        if (start != 0) {
            assertEq(end - start + 1, interval, "a whole period");
            assertEq((start + interval * (1 + anchor / interval) - anchor) % interval, 0, "start is a period start");
        } else {
            assertLe(end - start + 1, interval, "the first stretch is at most one period");
        }
    }

    // ------------------------------------------------------------------ charges at boundaries, through the EntryPoint

    /// A whole period [start, end] and the first second of the next one, all in 32-bit time (any interval up to
    /// 2^32 - 2; the limit is set at or before the period's first second).
    function testFuzz_periodBoundaries_accumulateWithinAndResetAfter(
        uint256 anchor,
        uint256 interval,
        uint256 start,
        uint256 limit,
        uint256 a,
        uint256 b,
        uint256 over,
        uint8 seed
    ) public {
        interval = _min(_interval(seed, interval), MAX_TS - 1);
        start = bound(start, 1, MAX_TS - interval); // end + 1 = start + interval <= 2^32 - 1
        uint256 end = start + interval - 1;
        anchor = _anchorFor(start, interval, anchor);
        (uint256 s_, uint256 e_) = Reference.period(start, anchor, interval);
        assertEq(s_, start, "a period starts at start");
        assertEq(e_, end, "and ends at end");
        limit = bound(limit, 2, Reference.MAX_ERC20_LIMIT);
        token.mint(address(account), 2 * limit);
        a = bound(a, 1, limit - 1);
        b = bound(b, 0, limit - a);
        // Set at or before the period's start, in a whole period (a budget set in the stretch before the first period,
        // [0, anchor % interval), keeps it for a whole interval by its own clock: PeriodBeforeFirstAnchorTest).
        uint256 offset = anchor % interval;
        vm.warp(bound(uint256(keccak256(abi.encode(seed, start))), offset == 0 ? 1 : offset, start));
        _setLimit(limit, interval, anchor);

        // First second of the period.
        vm.warp(start);
        _assertStatus(limit, 0, start, interval, "fresh");
        assertTrue(_send(a, start), "spend at period start");
        _assertStatus(limit, a, start, interval, "after first spend");

        // Last second of the same period: accumulates.
        vm.warp(end);
        assertTrue(_send(b, end), "spend at period end");
        _assertStatus(limit, a + b, start, interval, "after second spend");
        assertEq(token.balanceOf(recipient), a + b, "moved");

        // One more unit than remains: refused with the exact numbers, nothing moves.
        uint256 attempted = limit - a - b + 1 + bound(over, 0, 1e30);
        _expectValidateRevert(
            _signedOp(_transferCall(recipient, attempted), end),
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), limit, a + b, attempted
            )
        );
        assertFalse(_send(attempted, end), "over the limit");
        _assertStatus(limit, a + b, start, interval, "after refused spend");

        // Next period's first second: the previous period's op can no longer run, a fresh budget can be spent in full.
        vm.warp(end + 1);
        _assertStatus(limit, 0, end + 1, interval, "next period");
        assertFalse(_send(1, end), "stated time in the previous period");
        assertTrue(_send(limit, end + 1), "full budget in the next period");
        _assertStatus(limit, limit, end + 1, interval, "next period spent");
        assertEq(token.balanceOf(recipient), a + b + limit, "moved in total");
    }

    /// An op stating a time after the current period never runs now, and charges nothing; one stating a time before it
    /// (a time before the period the budget is in) charges the current period and runs now, only inside it.
    function testFuzz_statedTimeInAnotherPeriod_laterNeverRunsEarlierChargesTheCurrentOne(
        uint256 anchor,
        uint256 interval,
        uint256 now_,
        int256 k,
        uint256 offset,
        uint8 seed
    ) public {
        interval = _interval(seed, interval);
        anchor = bound(anchor, 0, MAX_TS);
        now_ = bound(now_, 1, MAX_TS);
        k = bound(k, -3, 3);
        if (k == 0) k = 1;
        (uint256 start, uint256 end) = Reference.period(now_, anchor, interval);
        // Another period k periods away, if 32-bit time has it; otherwise any time after or before now's period.
        int256 candidate = int256(start) + k * int256(interval) + int256(bound(offset, 0, interval - 1));
        uint256 stated;
        if (candidate >= 0 && candidate <= int256(MAX_TS) && Reference.periodStart(uint256(candidate), anchor, interval) != start) {
            stated = uint256(candidate);
        } else if (end < MAX_TS) {
            stated = bound(offset, end + 1, MAX_TS);
        } else {
            vm.assume(start != 0); // [0, 2^32 - 1] is one period: no other stated time exists
            stated = bound(offset, 0, start - 1);
        }
        assertTrue(Reference.periodStart(stated, anchor, interval) != start, "another period");
        vm.warp(now_);
        _setLimit(100, interval, anchor);
        _assertChargedToTheCurrentPeriodOrNever(start, interval, anchor, stated);
    }

    /// @dev The budget is in the period of now, [start, start + interval) by its own clock (which reaches past the
    /// grid's period only in the stretch before the first period: then a later stated time may still be in it).
    function _assertChargedToTheCurrentPeriodOrNever(uint256 start, uint256 interval, uint256 anchor, uint256 stated)
        internal
    {
        uint256 storedEnd = start + interval;
        (, uint256 from, uint256 until, bool refreshed) = Reference.budgetPeriod(start, interval, anchor, stated);
        if (refreshed) {
            assertGe(from, storedEnd, "a fresh period never opens early");
            assertFalse(_send(1, stated), "ran in a later period");
            _assertStatus(100, 0, start, storedEnd - 1, interval, "nothing charged");
            assertEq(token.balanceOf(recipient), 0, "nothing moved");
        } else {
            assertEq(from, start, "the window is the current period");
            assertEq(until, storedEnd - 1, "the window is the current period");
            assertTrue(_send(1, stated), "charged to the current period, runs now");
            _assertStatus(100, 1, start, storedEnd - 1, interval, "charged to the current period");
            // It cannot escape the current period's spend: the rest of the budget, and not a unit more.
            assertFalse(_send(100, stated), "over the limit");
            assertTrue(_send(99, stated), "the rest");
            _assertStatus(100, 100, start, storedEnd - 1, interval, "spent");
            assertEq(token.balanceOf(recipient), 100, "moved");
        }
    }

    /// A lifetime limit (interval 0) never refreshes, however far the clock moves (within 32-bit time).
    function testFuzz_lifetimeLimitNeverRefreshes(uint256 limit, uint256 a, uint256 jump, uint32 statedTime) public {
        limit = bound(limit, 1, Reference.MAX_ERC20_LIMIT);
        a = bound(a, 1, limit);
        token.mint(address(account), limit);
        _setLimit(limit, 0, 0);
        assertTrue(_trySend(_signedOp(_transferCall(recipient, a), statedTime)), "lifetime spend, any stated time");
        vm.warp(block.timestamp + bound(jump, 1, MAX_TS - block.timestamp));
        ISessionKeyLens.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
        assertEq(s.used, a, "used");
        assertEq(s.remaining, limit - a, "remaining");
        assertEq(s.periodStart, 0, "periodStart");
        assertEq(s.nextRefresh, 0, "nextRefresh");
        if (a < limit) {
            _expectValidateRevert(
                _signedOp(_transferCall(recipient, limit - a + 1), block.timestamp),
                abi.encodeWithSelector(
                    ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), limit, a, limit - a + 1
                )
            );
        }
    }

    /// After the owner changes an ERC-20 limit's interval (and perhaps the anchor, in the same update), what was spent
    /// in the current period is kept in the new current period: switching weekly to daily keeps this week's spend in
    /// today. The anchor applies first, so the new period is the one of now on the new anchor's grid; the spend is kept
    /// whatever the anchor, since the stored period has not ended by its own clock. With the interval unchanged (a
    /// third of the runs) the stored period itself goes on, whatever the anchor. The next period of the new interval
    /// starts from the whole limit.
    function testFuzz_intervalOrAnchorChange_keepsCurrentPeriodSpend(
        uint256 anchor1,
        uint256 interval1,
        uint256 anchor2,
        uint256 interval2,
        uint256 now_,
        uint256 a,
        uint8 seed
    ) public {
        uint256 limit = 1000;
        interval1 = _interval(seed, interval1);
        interval2 = (seed / 9) % 3 == 0 ? interval1 : _interval(seed / 3, interval2);
        anchor1 = bound(anchor1, 0, MAX_TS);
        anchor2 = seed % 2 == 0 ? anchor1 : bound(anchor2, 0, MAX_TS);
        now_ = bound(now_, 1, MAX_TS);
        a = bound(a, 1, limit);
        vm.warp(now_);
        _setLimit(limit, interval1, anchor1);
        assertTrue(_send(a, now_), "first spend");
        uint256 stored = Reference.periodStart(now_, anchor1, interval1);

        // setRefreshAnchor(anchor2) leaves the budget (stored period, spend) as it is; setErc20SpendLimit then keeps
        // its spend now (its stored period has not ended by its own clock), in the period of now on the new grid.
        _setLimit(limit, interval2, anchor2);
        uint256 expectedUsed = Reference.usedAt(a, stored, interval1, now_);
        assertEq(expectedUsed, a, "any anchor keeps the current period's spend");
        uint256 start2 = interval2 == interval1 ? stored : Reference.periodStart(now_, anchor2, interval2);
        assertEq(start2, Reference.startAfterChange(stored, interval1, interval2, anchor2, now_), "reference");
        uint256 end2 = start2 + interval2 - 1; // by its own clock
        _assertStatus(limit, expectedUsed, start2, end2, interval2, "after the change");

        _expectValidateRevert(
            _signedOp(_transferCall(recipient, limit - expectedUsed + 1), now_),
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector,
                address(token),
                limit,
                expectedUsed,
                limit - expectedUsed + 1
            )
        );
        if (expectedUsed < limit) {
            assertTrue(_send(limit - expectedUsed, now_), "the rest of the budget");
            _assertStatus(limit, limit, start2, end2, interval2, "spent");
        }
        assertFalse(_send(1, now_), "nothing beyond the limit in the period");
        if (end2 < MAX_TS) {
            vm.warp(end2 + 1);
            assertTrue(_send(limit, end2 + 1), "the next period of the new interval has the whole limit");
        }
    }
}

/// @dev The stretch before the first period after the epoch, [0, anchor % interval), counts as one period (it was a
/// checked-arithmetic panic before: views reverted and no op could spend until `anchor % interval`). Reachable with
/// intervals longer than the time since the epoch, which the module accepts (up to 2^32 - 1 s). A budget set in the
/// stretch is stored in the period starting at 0, and a stored period lasts a whole interval by its own clock,
/// [0, interval): it runs past the first period's start and refreshes at `interval` (then into the period of the op's
/// stated time, from `interval` on), not at `anchor % interval`.
contract PeriodBeforeFirstAnchorTest is SessionFuzzBase {
    uint256 internal constant INTERVAL = type(uint32).max; // ~136 years

    function _setUp(uint256 interval, uint256 anchor, uint256 limit) internal {
        bytes[] memory updates = new bytes[](5);
        updates[0] = _listType(AccessListType.ALLOW_ALL);
        updates[1] = _noGasLimit();
        updates[2] = _nativeLimit(1 ether, interval);
        updates[3] = _erc20Limit(address(token), limit, interval);
        updates[4] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
        _addKey(sessionKey, updates);
    }

    function test_longInterval_viewsWorkBeforeTheAnchor() public {
        uint256 anchor = block.timestamp + 30 days; // "from next month"
        _setUp(INTERVAL, anchor, 100e6);
        ISessionKeyLens.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
        assertEq(s.used, 0, "used");
        assertEq(s.remaining, 100e6, "remaining");
        assertEq(s.periodStart, 0, "periodStart");
        assertEq(s.nextRefresh, INTERVAL, "nextRefresh: the stored period's own end");
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.nativeTokenSpend.periodStart, 0, "native periodStart");
        assertEq(info.nativeTokenSpend.nextRefresh, INTERVAL, "native nextRefresh");
    }

    function test_longInterval_opsSpendBeforeTheAnchor() public {
        uint256 anchor = block.timestamp + 30 days;
        _setUp(INTERVAL, anchor, 100e6);
        uint256 validationData = _validate(_signedOp(_transferCall(recipient, 1e6), block.timestamp));
        assertTrue(Reference.executesAt(validationData, block.timestamp), "op valid now");
        assertEq(_validUntil(validationData), INTERVAL - 1, "window: the stored period, [0, interval)");
        assertEq(_validAfter(validationData), 0, "window starts at the epoch");
        assertEq(_erc20Status(sessionKey, address(token)).used, 1e6, "charged");
    }

    /// In the first stretch the budget is charged; it keeps that spend for a whole interval by its own clock (past the
    /// first period's start), then the next op opens the period of its stated time, from `interval` on. (A stretch of
    /// one second, [0, 0], has no time a block can be in: PeriodEndingAtZero.t.sol.)
    function testFuzz_firstStretch_chargesThenRefreshesAfterAWholeInterval(
        uint256 anchor,
        uint256 interval,
        uint256 now_,
        uint256 limit
    ) public {
        interval = bound(interval, 3, type(uint32).max);
        // An anchor (any in 32-bit time) whose stretch [0, offset) holds at least two seconds, the second one a block's.
        uint256 offset = bound(uint256(keccak256(abi.encode(anchor))), 2, interval - 1);
        anchor = offset + bound(anchor, 0, (Reference.MAX_TIMESTAMP - offset) / interval) * interval;
        assertEq(anchor % interval, offset, "offset");
        now_ = bound(now_, 1, offset - 1);
        limit = bound(limit, 1, Reference.MAX_ERC20_LIMIT);
        token.mint(address(account), 2 * limit);
        vm.warp(now_);
        _setUp(interval, anchor, limit);

        assertTrue(_trySend(_signedOp(_transferCall(recipient, limit), now_)), "spend in the first stretch");
        ISessionKeyLens.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
        assertEq(s.used, limit, "used");
        assertEq(s.periodStart, 0, "periodStart");
        assertEq(s.nextRefresh, interval, "nextRefresh");
        assertFalse(_trySend(_signedOp(_transferCall(recipient, 1), now_)), "over the limit");

        // The first period on the grid starts at `offset`, but the stored period lasts until `interval`: stating a
        // time in [offset, interval) still charges it.
        vm.warp(offset);
        s = _erc20Status(sessionKey, address(token));
        assertEq(s.used, limit, "still the stored period at the first period's start");
        _expectValidateRevert(
            _signedOp(_transferCall(recipient, 1), offset),
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), limit, limit, 1)
        );
        vm.warp(interval - 1);
        assertFalse(_trySend(_signedOp(_transferCall(recipient, 1), interval - 1)), "still the stored period");

        // At `interval` the stored period is over: the period of the stated time on the grid, [offset, offset +
        // interval), opens from `interval` on, with the whole limit.
        vm.warp(interval);
        s = _erc20Status(sessionKey, address(token));
        assertEq(s.used, 0, "refreshed");
        assertEq(s.periodStart, interval, "the fresh period shows from the stored one's end");
        assertEq(s.nextRefresh, offset + interval, "and ends with the grid's period");
        assertFalse(_trySend(_signedOp(_transferCall(recipient, 1), interval - 1)), "the stored period is over");
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, limit), interval);
        assertEq(
            _validate(op), _expectedValidationData(interval, offset + interval - 1), "window: never before `interval`"
        );
        assertEq(_erc20Status(sessionKey, address(token)).used, limit, "the whole limit, in the fresh period");
        assertEq(_erc20Status(sessionKey, address(token)).periodStart, offset, "stored: the grid's period");
    }
}
