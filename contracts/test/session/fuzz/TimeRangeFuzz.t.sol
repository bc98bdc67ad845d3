// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder, Reference} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of the key time range: storage of setTimeRange, the validation data window, and execution through
/// the EntryPoint at times inside and outside the window.
contract TimeRangeFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_TS = Reference.MAX_TIMESTAMP; // 2^32 - 1
    uint256 internal constant OPEN = type(uint48).max;

    function setUp() public override {
        super.setUp();
        _addKey(sessionKey, _openPermissions());
    }

    /// @dev A (from, until) pair biased towards the interesting shapes: open sides, equal, reversed, boundaries.
    function _range(uint256 mode, uint256 a, uint256 b) internal pure returns (uint256 from, uint256 until) {
        a = bound(a, 1, MAX_TS);
        b = bound(b, 1, MAX_TS);
        mode = mode % 7;
        if (mode == 0) return (0, 0);
        if (mode == 1) return (a, 0);
        if (mode == 2) return (0, b);
        if (mode == 3) return (a, a);
        if (mode == 4) return (a < b ? a : b, a < b ? b : a); // ordered
        if (mode == 5) return (a > b ? a : b, a > b ? b : a); // reversed when a != b
        return (a, b);
    }

    function _infoHash() internal view returns (bytes32) {
        return keccak256(abi.encode(lens.getSessionKeyInfo(address(module), address(account), sessionKey)));
    }

    // ------------------------------------------------------------------ setTimeRange

    function testFuzz_setTimeRange_storesValidRangesAndRejectsReversed(uint8 mode, uint256 a, uint256 b) public {
        (uint256 from, uint256 until) = _range(mode, a, b);
        bytes32 before = _infoHash();
        bytes[] memory updates = _one(_timeRange(from, until));
        vm.prank(address(account));
        if (until != 0 && from > until) {
            vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTimeRange.selector, from, until));
            module.updateKeyPermissions(sessionKey, updates);
            assertEq(_infoHash(), before, "state changed by a refused update");
        } else {
            module.updateKeyPermissions(sessionKey, updates);
            ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
            assertEq(info.validFrom, from, "validFrom");
            assertEq(info.validUntil, until, "validUntil");
        }
    }

    function testFuzz_setTimeRange_rejectsTimestampsBeyond32Bits(uint48 from, uint48 until, bool fromIsLarge) public {
        // One side beyond 2^32 - 1 (still a clean uint48): TimestampOutOfRange names the first offending word.
        if (fromIsLarge) from = uint48(bound(from, MAX_TS + 1, type(uint48).max));
        else until = uint48(bound(until, MAX_TS + 1, type(uint48).max));
        uint256 offending = from > MAX_TS ? from : until;
        bytes32 before = _infoHash();
        bytes[] memory updates = _one(_timeRange(from, until));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, offending));
        module.updateKeyPermissions(sessionKey, updates);
        assertEq(_infoHash(), before, "state changed by a refused update");
    }

    // ------------------------------------------------------------------ validation data

    /// Without refreshing limits the window is exactly the key's range, whatever the stated time (any uint32: the
    /// signature's 4-byte field holds nothing else).
    function testFuzz_validationData_isTheKeyRange(uint8 mode, uint256 a, uint256 b, uint32 statedTime) public {
        (uint256 from, uint256 until) = _range(mode, a, b);
        vm.assume(until == 0 || from <= until);
        _update(sessionKey, _one(_timeRange(from, until)));

        uint256 validationData = _validate(_signedOp(_callF1(1), statedTime));
        assertEq(validationData, _expectedValidationData(from, until), "validation data");
        assertEq(validationData & 1, 0, "sig flag");
    }

    /// With a refreshing limit the window is the key's range intersected with the budget's period for the stated time
    /// (Reference.budgetPeriod): the stored (current) period for a stated time before its end, a time before it
    /// included; otherwise the stated time's period, opened no earlier than the stored one's end. The charge goes to
    /// that period.
    function testFuzz_validationData_isRangeIntersectedWithPeriod(
        uint8 mode,
        uint256 a,
        uint256 b,
        uint256 anchor,
        uint256 interval,
        uint256 statedTime,
        uint256 later
    ) public {
        (uint256 from, uint256 until) = _range(mode, a, b);
        vm.assume(until == 0 || from <= until);
        anchor = bound(anchor, 0, MAX_TS);
        interval = bound(interval, 1, type(uint32).max);
        statedTime = bound(statedTime, 0, type(uint32).max);
        bytes[] memory updates = new bytes[](3);
        updates[0] = _timeRange(from, until);
        updates[1] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
        updates[2] = _nativeLimit(1 ether, interval);
        _update(sessionKey, updates);

        // The limit was set now, so its budget is stored in now's period (the anchor applies first).
        uint256 stored = Reference.periodStart(block.timestamp, anchor, interval);
        (uint256 charged, uint256 pFrom, uint256 end,) = Reference.budgetPeriod(stored, interval, anchor, statedTime);
        // A period ending at 0 ([0, 0], e.g. 1-second periods) must give a window no block is in, not validUntil = 0
        // ("valid forever"): PeriodEndingAtZero.t.sol.
        uint256 validationData = _validate(
            _signedOp(_executeSingle(address(target), 1 wei, abi.encodeCall(CallRecorder.f1, (1))), statedTime)
        );
        _assertWindow(validationData, from > pFrom ? from : pFrom, _min(until == 0 ? OPEN : until, end), pFrom, end);
        if (statedTime < stored) assertEq(charged, stored, "a time before the stored period charges it");
        _assertNativeCharge(charged, anchor, interval, later);
    }

    /// @dev The view, now or later (32-bit time), shows the 1 wei charged to period `stored` while that period lasts
    /// by its own clock, then the period of now, from the stored one's end on.
    function _assertNativeCharge(uint256 stored, uint256 anchor, uint256 interval, uint256 later) internal {
        vm.warp(_min(block.timestamp + bound(later, 0, 3 * interval), MAX_TS));
        (uint256 periodStart, uint256 nextRefresh) = Reference.viewPeriod(stored, interval, anchor, block.timestamp);
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.nativeTokenSpend.refreshInterval, interval, "interval");
        assertEq(info.nativeTokenSpend.limit, 1 ether, "limit");
        uint256 used = Reference.usedAt(1, stored, interval, block.timestamp);
        assertEq(info.nativeTokenSpend.used, used, "charged to the budget's period");
        assertEq(info.nativeTokenSpend.remaining, 1 ether - used, "remaining");
        assertEq(info.nativeTokenSpend.periodStart, periodStart, "periodStart");
        assertEq(info.nativeTokenSpend.nextRefresh, nextRefresh, "nextRefresh");
    }

    function _setRangeAnchorAndNativeLimit(uint256 from, uint256 until, uint256 anchor, uint256 interval) internal {
        bytes[] memory updates = new bytes[](3);
        updates[0] = _timeRange(from, until);
        updates[1] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
        updates[2] = _nativeLimit(10 wei, interval);
        _update(sessionKey, updates);
    }

    /// @dev The validation data encodes exactly the window [wFrom, wUntil] (wUntil = OPEN: no end); an empty window,
    /// or one ending at 0, as a window no block is in (never validUntil = 0, which means "no expiry").
    function _assertWindow(uint256 validationData, uint256 wFrom, uint256 wUntil, uint256 start, uint256 end)
        internal
        pure
    {
        assertEq(validationData & 1, 0, "sig flag");
        if (wFrom <= wUntil && wUntil != 0) {
            assertEq(validationData, _expectedValidationData(wFrom, wUntil == OPEN ? 0 : wUntil), "window");
        } else {
            assertTrue(_validUntil(validationData) != 0, "an empty window must not read as no expiry");
            assertGe(_validAfter(validationData), _validUntil(validationData), "an empty window");
        }
        // Whatever the encoding, the EntryPoint's reading of it must be exactly [wFrom, wUntil].
        uint256[6] memory probes = [wFrom == 0 ? 0 : wFrom - 1, wFrom, wUntil, wUntil + 1, start, end];
        for (uint256 i; i < probes.length; ++i) {
            uint256 t = probes[i];
            if (t == 0 || t > type(uint48).max) continue; // block.timestamp is never 0
            assertEq(Reference.executesAt(validationData, t), wFrom <= t && t <= wUntil, "executes at probe");
        }
    }

    // ------------------------------------------------------------------ through the EntryPoint

    /// The op executes iff block.timestamp is inside the key's range, inclusive on both sides.
    function testFuzz_handleOps_executesIffInsideRange(uint8 mode, uint256 a, uint256 b, uint8 probe, uint256 t)
        public
    {
        (uint256 from, uint256 until) = _range(mode, a, b);
        vm.assume(until == 0 || from <= until);
        _update(sessionKey, _one(_timeRange(from, until)));

        // The time to run at: just around the boundaries most of the time.
        probe = probe % 6;
        if (probe == 0) t = from == 0 ? 1 : from - 1;
        else if (probe == 1) t = from == 0 ? 1 : from;
        else if (probe == 2) t = until == 0 ? MAX_TS : until;
        else if (probe == 3) t = until == 0 ? MAX_TS : until + 1;
        else t = bound(t, 1, MAX_TS + 1);
        if (t == 0) t = 1;
        vm.warp(t);

        bool inside = t >= from && (until == 0 || t <= until);
        uint256 callsBefore = target.callCount();
        // The stated time only matters to refreshing limits (none here); it is the clock, as far as 32 bits go.
        bool accepted = _trySend(_signedOp(_callF1(t), _min(t, MAX_TS)));
        assertEq(accepted, inside, "accepted iff inside the range");
        assertEq(target.callCount(), callsBefore + (inside ? 1 : 0), "executed iff inside the range");
        if (inside) assertEq(target.callAt(callsBefore).arg, t, "the op's call");
    }

    /// With a refreshing limit set now, the op executes now iff its stated time is before the end of the current period
    /// (a time before the period charges it; a later time opens a later period, which never runs now) and now is in the
    /// key's range.
    function testFuzz_handleOps_refreshingLimitExecutesOnlyInTheChargedPeriod(
        uint256 anchor,
        uint256 interval,
        uint256 now_,
        int256 statedOffset,
        uint8 mode,
        uint256 a,
        uint256 b
    ) public {
        (uint256 from, uint256 until) = _range(mode, a, b);
        vm.assume(until == 0 || from <= until);
        interval = bound(interval, 1, 30 days);
        anchor = bound(anchor, 0, MAX_TS);
        now_ = bound(now_, 100 days, MAX_TS - 100 days);
        statedOffset = bound(statedOffset, -int256(2 * interval), int256(2 * interval));
        uint256 statedTime = uint256(int256(now_) + statedOffset);
        vm.warp(now_);

        _setRangeAnchorAndNativeLimit(from, until, anchor, interval);

        uint256 nowStart = Reference.periodStart(now_, anchor, interval);
        bool expected = statedTime < nowStart + interval && now_ >= from && (until == 0 || now_ <= until);

        uint256 callsBefore = target.callCount();
        bool accepted = _trySend(
            _signedOp(_executeSingle(address(target), 3 wei, abi.encodeCall(CallRecorder.f1, (7))), statedTime)
        );
        assertEq(accepted, expected, "accepted iff the stated time is before the current period's end, now in range");
        assertEq(target.callCount(), callsBefore + (expected ? 1 : 0), "executed");
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.nativeTokenSpend.used, expected ? 3 : 0, "charged iff executed");
        assertEq(info.nativeTokenSpend.periodStart, nowStart, "view period start");
        assertEq(info.nativeTokenSpend.nextRefresh, nowStart + interval, "view next refresh");
    }
}
