// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SessionKeyTestBase} from "../../utils/SessionKeyTestBase.sol";
import {CallPolicyHandler, PayLog} from "./CallPolicyHandler.sol";

/// @dev No function call limit or argument limit is ever exceeded in any period, over random ops (batches included),
/// limit changes and time jumps: counted from what the target really received. See {CallPolicyHandler}.
/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 60
/// forge-config: deep.invariant.runs = 10000
/// forge-config: deep.invariant.depth = 50
contract CallPolicyInvariantTest is SessionKeyTestBase {
    CallPolicyHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new CallPolicyHandler(entryPoint, beneficiary, module, account);
        vm.deal(address(account), 1_000 ether);
        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = CallPolicyHandler.op.selector;
        selectors[1] = CallPolicyHandler.op.selector;
        selectors[2] = CallPolicyHandler.op.selector;
        selectors[3] = CallPolicyHandler.changeLimits.selector;
        selectors[4] = CallPolicyHandler.warp.selector;
        selectors[5] = CallPolicyHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_noPeriodHoldsMoreCallsOrAmountThanItsLimits() public view {
        PayLog log = handler.payLog();
        uint256 n = log.count();
        uint256 period;
        uint256 calls;
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            PayLog.Paid memory p = log.paid(i);
            uint256 pi = handler.periodOf(p.time);
            if (i == 0 || pi != period) {
                (period, calls, sum) = (pi, 0, 0);
            }
            ++calls;
            sum += p.amount;
            assertLe(calls, handler.maxCallLimitIn(period), "calls in a period");
            assertLe(sum, handler.maxArgLimitIn(period), "amount in a period");
        }
    }

    function invariant_opsAreBothAcceptedAndRefused() public view {
        // Not a safety property: a guard that the run explores both sides (checked once enough ops ran).
        if (handler.accepted() + handler.refused() > 40) {
            assertGt(handler.accepted(), 0, "some ops accepted");
        }
    }
}
