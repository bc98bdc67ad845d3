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
 * The bug: a refreshing limit's period that ends at time 0 turns the op's window into "valid forever".
 * TimeRange.narrowToPeriod narrows the key's window [validFrom, open] to the stated time's period; for a stated time of
 * 0 that period is [0, 0] when the interval is 1 s, or when `anchor % interval == 1` (the stretch [0, anchor % interval)
 * before the first period). With the default validFrom of 0 the window is [0, 0], and TimeRange.toValidationData encodes
 * until = 0 as validUntil = 0, which the EntryPoint reads as "no expiry" (and validAfter = 0). The op is charged to the
 * period starting at 0 (a budget keeps charging its stored, later period for an "earlier" one, so the charge
 * competes only with whatever an old period left), but it executes now: in every new period the key can spend up to
 * its limit once more on top of the limit.
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

    /// 1-second periods: the op stating time 0 gets the window [0, 0], encoded as valid forever.
    function test_regression_oneSecondPeriodAtTimeZeroIsValidForever() public {
        _keyWithErc20Limit(1, 0);
        uint256 validationData = _validateOp(_signedOp(_transferCall(recipient, LIMIT), 0));
        assertFalse(Reference.executesAt(validationData, block.timestamp), "period [0,0] op executes now");
    }

    function test_regression_oneSecondPeriodAtTimeZeroDoublesTheSpend() public {
        _keyWithErc20Limit(1, 0);
        _spendTwiceInOneBundle();
        // Both ops ran in the period [now, now + 1): at most LIMIT may have moved.
        assertLe(token.balanceOf(recipient), LIMIT, "spent more than the limit in one period");
    }

    /// A daily limit whose periods start at 00:00:01 UTC (anchor % 1 day == 1): the op stating time 0 gets the
    /// stretch [0, 0] as its period, and again the window "valid forever".
    function test_regression_dailyLimitAnchoredAtOneSecondPastMidnightIsValidForever() public {
        _keyWithErc20Limit(DAY, (block.timestamp / DAY) * DAY + 1);
        uint256 validationData = _validateOp(_signedOp(_transferCall(recipient, 1), 0));
        assertFalse(Reference.executesAt(validationData, block.timestamp), "op stating time 0 executes now");
    }

    function test_regression_dailyLimitAnchoredAtOneSecondPastMidnightDoublesTheSpend() public {
        _keyWithErc20Limit(DAY, (block.timestamp / DAY) * DAY + 1);
        _spendTwiceInOneBundle();
        assertLe(token.balanceOf(recipient), LIMIT, "spent more than the daily limit in one day");
    }
}
