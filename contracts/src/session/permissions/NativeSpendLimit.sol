// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {SpendBudget} from "../libraries/SpendBudget.sol";

/**
 * @title NativeSpendLimit
 * @notice The native token permission: the sum of the values of an op's calls counts against the key's limit.
 * @dev A new key has a limit of zero: it can send no value until the owner sets a limit or removes it (an explicit
 * "no limit", flag FLAG_NATIVE_UNLIMITED in the KeyRecord). The refresh interval lives in the KeyRecord.
 */
library NativeSpendLimit {
    /// @notice Charges `amount` in the period starting at `start` (0: lifetime limit).
    function charge(SessionKeyStorage.SessionSlots storage slots, uint256 amount, uint256 start) internal {
        uint256 budget = slots.nativeBudget;
        (uint256 updated, bool ok, uint256 usedBefore) = SpendBudget.charge(budget, amount, start);
        if (!ok) revert ISessionKeyModule.NativeTokenSpendLimitExceeded(SpendBudget.limit(budget), usedBefore, amount);
        slots.nativeBudget = updated;
    }
}
