// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";

/**
 * @title RequiredPaymaster
 * @notice The paymaster permission: when a key requires a paymaster (FLAG_PAYMASTER_REQUIRED in its record), the first
 * 20 bytes of the op's paymasterAndData must be exactly that address, kept in the session's paymaster slot.
 */
library RequiredPaymaster {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice Reverts unless the op's paymasterAndData starts with the paymaster the key requires.
    function check(bytes calldata paymasterAndData, address account, uint256 record) internal view {
        address expected = address(uint160(SessionKeyStorage.paymasterSlot(account, record.sessionId()).load()));
        address actual = paymasterAndData.length >= 20 ? address(bytes20(paymasterAndData[:20])) : address(0);
        if (actual != expected) revert ISessionKeyModule.RequiredPaymasterMissing(expected, actual);
    }

    /// @notice Applies `setRequiredPaymaster` (the zero address removes the requirement).
    /// @return handled Whether `selector` is setRequiredPaymaster.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal returns (bool handled) {
        if (selector != Updates.setRequiredPaymaster.selector) return false;
        address paymaster = u.addressArg(update, 0, 1);
        SessionKeyStorage.paymasterSlot(u.account, u.sessionId()).store(uint160(paymaster));
        u.record = u.record.withFlag(SessionKeyStorage.FLAG_PAYMASTER_REQUIRED, paymaster != address(0));
        return true;
    }
}
