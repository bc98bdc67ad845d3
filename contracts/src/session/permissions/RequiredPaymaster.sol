// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";

/**
 * @title RequiredPaymaster
 * @notice The paymaster permission: when a key requires a paymaster (FLAG_PAYMASTER_REQUIRED in its record), the first
 * 20 bytes of the op's paymasterAndData must be exactly that address, kept in the session's paymaster slot.
 */
library RequiredPaymaster {
    using SessionKeyStorage for uint256;

    function check(bytes calldata paymasterAndData, address account, uint256 record) internal view {
        address required = address(uint160(SessionKeyStorage.paymasterSlot(account, record.sessionId()).load()));
        address actual = paymasterAndData.length >= 20 ? address(bytes20(paymasterAndData[:20])) : address(0);
        if (actual != required) revert ISessionKeyModule.RequiredPaymasterMissing(required, actual);
    }
}
