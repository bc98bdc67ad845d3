// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {stdError} from "forge-std/StdError.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev The time range permission and the validity window of refreshing limits (validationData values).
contract TimeRangeTest is UnitBase {
    uint256 internal T0;

    function setUp() public override {
        super.setUp();
        T0 = block.timestamp;
    }

    function _callTarget() internal view returns (bytes memory) {
        return _call(address(target), 0, hex"c0ffee00");
    }

    function _keyWithRange(uint256 from, uint256 until) internal {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _timeRange(from, until)));
    }

    // ---------------------------------------------------------------- the key's own range

    function test_openRange_returnsNoWindow() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        assertEq(_runCall(_callTarget()), 0);
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.validFrom, 0);
        assertEq(info.validUntil, 0);
    }

    function test_validFromOnly_validAfterIsOneSecondEarlier() public {
        _keyWithRange(T0 + 100, 0);
        assertEq(_runCall(_callTarget()), _vd(false, T0 + 99, 0));
    }

    function test_validUntilOnly() public {
        _keyWithRange(0, T0 + 500);
        assertEq(_runCall(_callTarget()), _vd(false, 0, T0 + 500));
    }

    function test_bothBounds() public {
        _keyWithRange(T0 - 10, T0 + 500);
        assertEq(_runCall(_callTarget()), _vd(false, T0 - 11, T0 + 500));
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.validFrom, T0 - 10);
        assertEq(info.validUntil, T0 + 500);
    }

    function test_singleSecondRange() public {
        _keyWithRange(T0 + 7, T0 + 7);
        assertEq(_runCall(_callTarget()), _vd(false, T0 + 6, T0 + 7));
    }

    function test_validFromOne_givesValidAfterZero() public {
        _keyWithRange(1, 0);
        assertEq(_runCall(_callTarget()), 0);
    }

    function test_maxTimestampsAccepted() public {
        _keyWithRange(MAX_TIMESTAMP, MAX_TIMESTAMP);
        assertEq(_runCall(_callTarget()), _vd(false, MAX_TIMESTAMP - 1, MAX_TIMESTAMP));
    }

    function test_expiredKeyStillValidatesSignature_windowIsInThePast() public {
        _keyWithRange(0, T0 - 1);
        // Not SIG_VALIDATION_FAILED: the window says the op is expired.
        assertEq(_runCall(_callTarget()), _vd(false, 0, T0 - 1));
    }

    function test_validationNeverReadsTheClock() public {
        _keyWithRange(T0 + 100, T0 + 200);
        PackedUserOperation memory op = _signedOp(_callTarget(), sessionKeyPk, T0);
        uint256 first = _run(op);
        vm.warp(T0 + 150);
        uint256 second = _run(op);
        vm.warp(T0 + 10 days);
        uint256 third = _run(op);
        assertEq(first, _vd(false, T0 + 99, T0 + 200));
        assertEq(second, first);
        assertEq(third, first);
    }

    function test_statedTimeIsIgnoredWithoutRefreshingLimits() public {
        _keyWithRange(T0 + 100, T0 + 200);
        assertEq(_runAt(_callTarget(), 0), _vd(false, T0 + 99, T0 + 200));
        assertEq(_runAt(_callTarget(), MAX_TIMESTAMP), _vd(false, T0 + 99, T0 + 200));
    }

    function test_entryPoint_enforcesInclusiveRange() public {
        _keyWithRange(T0 + 100, T0 + 200);

        vm.warp(T0 + 99);
        PackedUserOperation memory op = _signedOp(_callTarget(), sessionKeyPk, block.timestamp);
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);

        vm.warp(T0 + 100); // first valid second
        _sendSession(_callTarget());
        assertEq(target.calls(), 1);

        vm.warp(T0 + 200); // last valid second
        _sendSession(_callTarget());
        assertEq(target.calls(), 2);

        vm.warp(T0 + 201);
        op = _signedOp(_callTarget(), sessionKeyPk, block.timestamp);
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);
        assertEq(target.calls(), 2);
    }

    function test_updateTimeRange_reopensAnExpiredKey() public {
        _keyWithRange(0, T0 - 1);
        PackedUserOperation memory op = _signedOp(_callTarget(), sessionKeyPk, block.timestamp);
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);

        _update(sessionKey, _one(_timeRange(0, 0)));
        _sendSession(_callTarget());
        assertEq(target.calls(), 1);
        assertEq(_info(sessionKey).validUntil, 0);
    }

    // ---------------------------------------------------------------- refreshing periods narrow the window

    function _keyWithDailyNative(uint256 from, uint256 until) internal {
        _addKeyWithGas(
            sessionKey, _updates(_allowTarget(address(target)), _timeRange(from, until), _nativeLimit(10 ether, DAY))
        );
    }

    function _valueCall() internal view returns (bytes memory) {
        return _call(address(target), 1 wei, "");
    }

    function test_periodStart_literalValues() public pure {
        // 1_750_000_000 is inside the day starting 1_749_945_600 and the (epoch-anchored) week starting 1_749_686_400.
        assertEq(_periodStart(1_750_000_000, 0, 1 days), 1_749_945_600);
        assertEq(_periodStart(1_750_000_000, 0, 7 days), 1_749_686_400);
        assertEq(_periodStart(1_750_000_000, 1_750_000_000 + 5, 1 days), 1_750_000_005 - 1 days);
    }

    function test_refreshingLimit_windowIsThePeriodOfStatedTime() public {
        _keyWithDailyNative(0, 0);
        uint256 start = _periodStart(T0, 0, DAY);
        assertEq(start, 1_749_945_600);
        assertEq(_runAt(_valueCall(), T0), _vd(false, start - 1, start + DAY - 1));
    }

    function test_refreshingLimit_anyStatedTimeInThePeriodGivesTheSameWindow() public {
        _keyWithDailyNative(0, 0);
        uint256 start = _periodStart(T0, 0, DAY);
        uint256 expected = _vd(false, start - 1, start + DAY - 1);
        assertEq(_runAt(_valueCall(), start), expected);
        assertEq(_runAt(_valueCall(), start + DAY - 1), expected);
        // A time before the period the budget is in charges that period all the same: the op runs only inside it.
        assertEq(_runAt(_valueCall(), start - 1), expected);
        // The period boundary belongs to the later period, which the op then opens.
        assertEq(_runAt(_valueCall(), start + DAY), _vd(false, start + DAY - 1, start + 2 * DAY - 1));
    }

    function test_refreshingLimit_windowIntersectsKeyRange() public {
        uint256 start = _periodStart(T0, 0, DAY);
        // Key range inside the period.
        _keyWithDailyNative(start + 10, start + 20);
        assertEq(_runAt(_valueCall(), T0), _vd(false, start + 9, start + 20));
        // Key range straddling the period start and end.
        _update(sessionKey, _one(_timeRange(start - 5, start + DAY + 5)));
        assertEq(_runAt(_valueCall(), T0), _vd(false, start - 1, start + DAY - 1));
        // Only validUntil inside the period.
        _update(sessionKey, _one(_timeRange(0, start + 30)));
        assertEq(_runAt(_valueCall(), T0), _vd(false, start - 1, start + 30));
    }

    function test_refreshingLimit_emptyIntersectionStaysEmpty() public {
        uint256 start = _periodStart(T0, 0, DAY);
        _keyWithDailyNative(start + DAY + 10, 0); // the key starts tomorrow
        // Charged today: from = tomorrow + 10 > until = end of today: an empty window, encoded (1, 1], never runs.
        uint256 vd = _runAt(_valueCall(), T0);
        assertEq(vd, _vd(false, 1, 1));
        PackedUserOperation memory op = _signedOp(_valueCall(), sessionKeyPk, T0);
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);
    }

    function test_refreshingLimit_anchorShiftsPeriods() public {
        uint256 anchor = T0 - 3 hours;
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(1 ether, DAY), _anchor(anchor)));
        assertEq(_info(sessionKey).refreshAnchor, anchor);
        assertEq(_runAt(_valueCall(), T0), _vd(false, anchor - 1, anchor + DAY - 1));
        // An anchor in the future works too: periods extend backwards from it. The budget keeps the period it is in
        // until that ends, then the op of a later day opens that day's shifted period.
        _update(sessionKey, _one(_anchor(T0 + 5 hours)));
        assertEq(_runAt(_valueCall(), T0), _vd(false, anchor - 1, anchor + DAY - 1));
        uint256 start = T0 + 5 hours + DAY;
        assertEq(_periodStart(T0 + 2 * DAY, T0 + 5 hours, DAY), start);
        assertEq(_runAt(_valueCall(), T0 + 2 * DAY), _vd(false, start - 1, start + DAY - 1));
    }

    function test_refreshingLimit_statedTimeLongPast_chargesTheCurrentPeriod() public {
        // Periods of 10 s anchored at 5. The budget was set in the period of now; a stated time of 3 (long past, even
        // before the first period after the epoch) charges that current period and can run only inside it.
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(1 ether, 10), _anchor(5)));
        uint256 start = _periodStart(block.timestamp, 5, 10);
        assertEq(_run(_signedOp(_valueCall(), sessionKeyPk, 3)), _vd(false, start - 1, start + 9));
        assertEq(_info(sessionKey).nativeTokenSpend.used, 1);
    }

    function test_refreshingLimit_aMovedAnchorNeverOpensAPeriodEarly() public {
        // Daily limits anchored at midnight, all spent at 13:00; the owner moves the anchor to noon. The token budget
        // keeps its day: the new noon-to-noon period opens only when that day is over, never twice a budget in a day.
        uint256 midnight = _periodStart(T0, 0, DAY);
        vm.warp(midnight + 13 hours);
        _addKeyWithGas(
            sessionKey,
            _updates(_allowTarget(address(token)), _erc20Limit(address(token), 100e6, DAY), _nativeLimit(1 ether, DAY))
        );
        bytes memory spendAll = _executeSingle(address(token), 1 ether, abi.encodeCall(token.transfer, (recipient, 100e6)));
        _sendSession(spendAll);
        _update(sessionKey, _one(_anchor(midnight + 12 hours)));
        // Stating a time in the new period that started at noon changes nothing: the stored day is not over.
        vm.warp(midnight + 13 hours + 5 minutes);
        _expectRunRevert(
            _transferCall(recipient, 1),
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), 100e6, 100e6, 1)
        );
        // At midnight the stored day ends: the op opens the new period [noon, noon), from midnight on.
        bytes memory one = _executeSingle(address(token), 0, abi.encodeCall(token.transfer, (recipient, 1e6)));
        assertEq(_runAt(one, midnight + DAY), _vd(false, midnight + DAY - 1, midnight + DAY + 12 hours - 1));
    }

    function test_twoRefreshingLimits_windowIsTheirIntersection() public {
        // ERC-20 per day and native per 14 hours: the op spends from both, the window is the intersection.
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(token)), _erc20Limit(address(token), 100e6, DAY), _nativeLimit(1 ether, 14 hours)
            )
        );
        bytes memory callData = _executeSingle(address(token), 1 wei, abi.encodeCall(token.transfer, (recipient, 1e6)));
        uint256 day = _periodStart(T0, 0, DAY);
        uint256 p14 = _periodStart(T0, 0, 14 hours);
        // The 14-hour period starts inside the day and ends 2 hours after it.
        assertEq(p14, day + 12 hours);
        assertEq(_runAt(callData, T0), _vd(false, p14 - 1, day + DAY - 1));

        // Native per 22 hours: that period starts 6 hours before the day and ends 8 hours before the day's end.
        _update(sessionKey, _one(_nativeLimit(1 ether, 22 hours)));
        uint256 p22 = _periodStart(T0, 0, 22 hours);
        assertEq(p22, day - 6 hours);
        assertEq(_runAt(callData, T0), _vd(false, day - 1, p22 + 22 hours - 1));
    }

    function test_lifetimeLimit_doesNotNarrowTheWindow() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(1 ether, 0)));
        assertEq(_runAt(_valueCall(), T0), 0);
    }

    function test_zeroValueCall_doesNotNarrowWithRefreshingNativeLimit() public {
        _keyWithDailyNative(0, 0);
        assertEq(_runAt(_call(address(target), 0, ""), T0), 0);
    }

    function test_entryPoint_statedTimeInAnotherPeriodIsNotDue() public {
        _keyWithDailyNative(0, 0);
        PackedUserOperation memory op = _signedOp(_valueCall(), sessionKeyPk, T0 + DAY);
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);

        // Any time inside the current period works, and so does a time before it: it charges the current period.
        op = _signedOp(_valueCall(), sessionKeyPk, _periodStart(T0, 0, DAY));
        _handleOp(op);
        op = _signedOp(_valueCall(), sessionKeyPk, T0 - DAY);
        _handleOp(op);
        assertEq(target.received(), 2);
        assertEq(_info(sessionKey).nativeTokenSpend.used, 2);
    }
}
