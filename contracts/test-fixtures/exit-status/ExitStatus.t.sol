// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

/// @dev Kept outside the normal suite (profile `exit-status` in foundry.toml): test/exitStatus.test.ts runs the
/// command `npm test` uses against it and checks that a failing forge test makes that command fail.
contract ExitStatusFixture is Test {
    function test_fixture_passes() public pure {
        assertEq(uint256(1), 1);
    }

    function test_fixture_fails() public pure {
        assertEq(uint256(1), 2, "this fixture test fails on purpose");
    }
}
