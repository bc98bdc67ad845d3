// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Regression: SessionKeyTestBase._validate once evaluated `entryPoint.getUserOpHash(op)` after `vm.prank`, which
/// used up the prank, so the module was called by the test contract and every `_validate` returned 1 whatever the op.
contract ValidateHelperTest is UnitBase {
    function test_validateHelper_runsAsTheAccount() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        bytes memory callData = _call(address(target), 0, hex"01");
        // Correct value, through a helper that pranks correctly:
        assertEq(_runCall(callData), 0);
        // The shared helper must agree (it returns 1 today):
        assertEq(_validateCall(callData), 0);
    }
}
