// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";

/**
 * @title RequiredPaymaster
 * @notice The paymaster permission: when a key requires a paymaster, the first 20 bytes of the op's
 * paymasterAndData must be exactly that address.
 */
library RequiredPaymaster {
    function check(bytes calldata paymasterAndData, address required) internal pure {
        address actual = paymasterAndData.length >= 20 ? address(bytes20(paymasterAndData[:20])) : address(0);
        if (actual != required) revert ISessionKeyModule.RequiredPaymasterMissing(required, actual);
    }
}
