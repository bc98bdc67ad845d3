// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {
    ISessionKeyPermissionUpdates as Updates
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, Reference} from "./SessionFuzzHelpers.sol";

/**
 * @dev Regression tests for a bug the fuzz suite found (fixed in TimeRange.toValidationData).
 *
 * The bug: a refreshing limit's period that ends at time 0 turned the op's window into "valid forever".
 * The module narrowed the key's window [validFrom, open] to the stated time's period; for a stated time of 0 that period
 * was [0, 0] when the interval is 1 s, or when `anchor % interval == 1` (the stretch [0, anchor % interval) before the
 * first period). With the default validFrom of 0 the window was [0, 0], and TimeRange.toValidationData encoded until = 0
 * as validUntil = 0, which the EntryPoint reads as "no expiry" (and validAfter = 0). The op was charged to the stored,
 * later period but executed at any time: in every new period the key could spend up to its limit once more on top of
 * the limit.
 *
 * Now a stated time before the budget's stored period charges that period and the window is that period: the op runs
 * now (the key's limit is set now), only until the period ends, never "forever". toValidationData still encodes a
 * window ending at 0 as one no block is in (TimeRangeFuzz.t.sol).
 */
contract PeriodEndingAtZeroTest is SessionFuzzBase {
    uint256 internal constant LIMIT = 100e6;

    function _keyWithErc20Limit(uint256 interval, uint256 anchor) internal {
        bytes[] memory updates = _with(_openPermissions(), _erc20Limit(address(token), LIMIT, interval));
        updates = _with(updates, abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor))));
        _addKey(sessionKey, updates);
    }

    /// @dev Two ops of the key in one bundle, each moving the whole limit: the first states time 0, the second now.
    function _spendTwiceInOneBundle() internal {
        PackedUserOperation[] memory ops = new PackedUserOperation[](2);
        ops[0] = _signedOp(_transferCall(recipient, LIMIT), 0);
        ops[1] = _userOp(address(account), ops[0].nonce + 1, _transferCall(recipient, LIMIT));
        ops[1].signature = _signSession(ops[1], sessionKeyPk, block.timestamp);
        try entryPoint.handleOps(ops, beneficiary) {} catch {}
    }

    /// @dev The op stating time 0 is charged to the stored period [now's period start, + interval) and runs only
    /// inside it: validUntil is that period's last second, never 0 ("no expiry").
    function _assertChargesTheStoredPeriodOnly(uint256 interval, uint256 anchor, uint256 amount) internal {
        uint256 start = Reference.periodStart(block.timestamp, anchor, interval);
        uint256 validationData = _validate(_signedOp(_transferCall(recipient, amount), 0));
        assertEq(validationData, _expectedValidationData(start, start + interval - 1), "window: the stored period");
        assertTrue(_validUntil(validationData) != 0, "never valid forever");
        assertTrue(Reference.executesAt(validationData, block.timestamp), "runs now, in the stored period");
        assertFalse(Reference.executesAt(validationData, start + interval), "and never after it");
        assertEq(_erc20Status(sessionKey, address(token)).used, amount, "charged to the stored period");
    }

    /// 1-second periods: the op stating time 0 was given the window [0, 0], encoded as valid forever.
    function test_regression_oneSecondPeriodAtTimeZeroIsValidForever() public {
        _keyWithErc20Limit(1, 0);
        _assertChargesTheStoredPeriodOnly(1, 0, LIMIT);
    }

    function test_regression_oneSecondPeriodAtTimeZeroDoublesTheSpend() public {
        _keyWithErc20Limit(1, 0);
        _spendTwiceInOneBundle();
        // Both ops ran in the period [now, now + 1): at most LIMIT may have moved.
        assertLe(token.balanceOf(recipient), LIMIT, "spent more than the limit in one period");
    }

    /// A daily limit whose periods start at 00:00:01 UTC (anchor % 1 day == 1): the op stating time 0 was given the
    /// stretch [0, 0] as its period, and again the window "valid forever".
    function test_regression_dailyLimitAnchoredAtOneSecondPastMidnightIsValidForever() public {
        uint256 anchor = (block.timestamp / DAY) * DAY + 1;
        _keyWithErc20Limit(DAY, anchor);
        _assertChargesTheStoredPeriodOnly(DAY, anchor, 1);
    }

    function test_regression_dailyLimitAnchoredAtOneSecondPastMidnightDoublesTheSpend() public {
        _keyWithErc20Limit(DAY, (block.timestamp / DAY) * DAY + 1);
        _spendTwiceInOneBundle();
        assertLe(token.balanceOf(recipient), LIMIT, "spent more than the daily limit in one day");
    }
}
