// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {SpendBudget} from "../libraries/SpendBudget.sol";

/**
 * @title GasSpendLimit
 * @notice The gas permission, in wei. When the account pays, an op counts at its maximum cost, the prefund the
 * EntryPoint may take: (verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas. When a paymaster
 * pays, it counts nothing.
 * @dev A new key has a limit of zero (only sponsored ops) until the owner sets one or removes it. Charging the maximum
 * rather than the actual cost is what a validation-time check can know; unused gas is not credited back, which keeps
 * a refreshing budget simple and never stuck. The refresh interval lives in the KeyRecord.
 */
library GasSpendLimit {
    /// @notice The most the account can pay for `userOp`; 0 when a paymaster pays.
    function maxCost(PackedUserOperation calldata userOp) internal pure returns (uint256) {
        if (userOp.paymasterAndData.length != 0) return 0;
        uint256 limits = uint256(userOp.accountGasLimits);
        // Saturating: absurd gas fields then exceed any limit and fail with GasSpendLimitExceeded, not a panic.
        (bool added, uint256 gas) = Math.tryAdd((limits >> 128) + uint128(limits), userOp.preVerificationGas);
        (bool multiplied, uint256 cost) = Math.tryMul(gas, uint128(uint256(userOp.gasFees)));
        return added && multiplied ? cost : type(uint256).max;
    }

    /// @notice Charges `cost` in the period starting at `start` (0: lifetime limit).
    function charge(SessionKeyStorage.SessionSlots storage slots, uint256 cost, uint256 start) internal {
        uint256 budget = slots.gasBudget;
        (uint256 updated, bool ok, uint256 usedBefore) = SpendBudget.charge(budget, cost, start);
        if (!ok) revert ISessionKeyModule.GasSpendLimitExceeded(SpendBudget.limit(budget), usedBefore, cost);
        slots.gasBudget = updated;
    }
}
