// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: an earlier design's gas-limit reset flag could leave a key blocked until someone called a reset
/// function. Here a refreshing budget needs no reset: a later period always starts from zero, whatever happened
/// before (exhaustion, skipped periods, interval or anchor changes, a limit lowered below the spend).
contract StuckRefreshingGasLimitTest is UnitBase {
    uint256 internal constant C = DEFAULT_OP_COST;

    function setUp() public override {
        super.setUp();
        // Days from midnight UTC (the epoch anchor, set explicitly: a new key's default is its add time), as the
        // tests below reason in calendar days.
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _gasLimit(C, DAY), _anchor(0)));
    }

    function _op() internal view returns (bytes memory) {
        return _call(address(target), 0, hex"01");
    }

    function _expectExhausted(uint256 limit, uint256 used) internal {
        PackedUserOperation memory op = _signedOp(_op(), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, limit, used, C));
        _handleOp(op);
    }

    function test_refreshingGasLimit_neverGetsStuck_daily() public {
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        for (uint256 i; i < 5; ++i) {
            _sendSession(_op());
            _expectExhausted(C, C);
            vm.warp(day + (i + 1) * DAY);
        }
        assertEq(target.calls(), 5);
    }

    function test_refreshingGasLimit_skippedPeriods() public {
        _sendSession(_op());
        vm.warp(block.timestamp + 400 days);
        _sendSession(_op());
        assertEq(target.calls(), 2);
    }

    function test_refreshingGasLimit_afterIntervalChange() public {
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        _sendSession(_op()); // stored period: today
        // Lengthen the interval to 30 days: the current 30-day period began before today, so the stored spend counts
        // (the conservative choice)...
        _update(sessionKey, _one(_gasLimit(C, 30 days)));
        uint256 month = _periodStart(block.timestamp, 0, 30 days);
        assertLt(month, day);
        assertEq(_info(sessionKey).gasSpend.used, C);
        _expectExhausted(C, C);
        // ...until the next 30-day period, which always starts after it.
        vm.warp(month + 30 days);
        assertEq(_info(sessionKey).gasSpend.used, 0);
        _sendSession(_op());

        // Shorten it to one hour: the next hour refreshes.
        _update(sessionKey, _one(_gasLimit(C, 1 hours)));
        uint256 hour = _periodStart(block.timestamp, 0, 1 hours);
        _expectExhausted(C, C);
        vm.warp(hour + 1 hours);
        _sendSession(_op());
        assertEq(target.calls(), 3);
    }

    function test_refreshingGasLimit_afterAnchorChange() public {
        _sendSession(_op()); // stored period: today (epoch anchor)
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        // Move the anchor back 6 hours: the shifted periods are [day - 6 h + k days, …).
        _update(sessionKey, _one(_anchor(day - 6 hours)));
        // The stored day goes on, with its spend, whatever the new anchor...
        assertEq(_info(sessionKey).gasSpend.used, C);
        _expectExhausted(C, C);
        // ...even once a shifted period has begun inside it (at day + 18 h): no budget opens early.
        vm.warp(day + 18 hours + 1);
        assertEq(_info(sessionKey).gasSpend.used, C);
        _expectExhausted(C, C);
        // At the stored day's end it refreshes, by itself, into the shifted period [day + 18 h, day + 42 h).
        vm.warp(day + DAY);
        assertEq(_info(sessionKey).gasSpend.used, 0);
        _sendSession(_op());
        _expectExhausted(C, C);
        // Then it follows the shifted periods.
        vm.warp(day + 42 hours);
        _sendSession(_op());
        assertEq(target.calls(), 3);
    }

    function test_refreshingGasLimit_anchorInTheFuture() public {
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        uint256 anchor = block.timestamp + 100 days + 5;
        _update(sessionKey, _one(_anchor(anchor)));
        _sendSession(_op());
        _expectExhausted(C, C);
        // The day the budget was in ends; the next op opens the period of the future anchor's grid it falls in.
        vm.warp(day + DAY);
        _sendSession(_op());
        _expectExhausted(C, C);
        uint256 start = _periodStart(block.timestamp, anchor, DAY);
        vm.warp(start + DAY);
        _sendSession(_op());
        assertEq(target.calls(), 3);
    }

    function test_refreshingGasLimit_limitLoweredBelowSpend() public {
        _update(sessionKey, _one(_gasLimit(3 * C, DAY)));
        _sendSession(_op());
        _sendSession(_op());
        _update(sessionKey, _one(_gasLimit(C, DAY))); // used 2C > limit C
        _expectExhausted(C, 2 * C);
        vm.warp(_periodStart(block.timestamp, 0, DAY) + DAY);
        _sendSession(_op());
        assertEq(target.calls(), 3);
    }

    function test_refreshingGasLimit_failedExecutionDoesNotBlock() public {
        // The call reverts in execution; gas is still charged at validation, and the next period works as usual.
        RevertingTarget reverting = new RevertingTarget();
        _update(sessionKey, _one(_allowTarget(address(reverting))));
        _sendSession(_call(address(reverting), 0, hex"01"));
        assertEq(_info(sessionKey).gasSpend.used, C);
        _expectExhausted(C, C);
        vm.warp(_periodStart(block.timestamp, 0, DAY) + DAY);
        _sendSession(_op());
        assertEq(target.calls(), 1);
    }

    function test_lifetimeToRefreshing_unblocks() public {
        _update(sessionKey, _one(_gasLimit(C, 0)));
        _sendSession(_op());
        _expectExhausted(C, C);
        // The lifetime spend may all have been today's, so today stays spent; the next day starts afresh, with no
        // reset call from anyone.
        _update(sessionKey, _one(_gasLimit(C, DAY)));
        _expectExhausted(C, C);
        vm.warp(_periodStart(block.timestamp, 0, DAY) + DAY);
        _sendSession(_op());
        assertEq(target.calls(), 2);
    }
}

contract RevertingTarget {
    fallback() external payable {
        revert("nope");
    }
}
