// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {SpendBudget} from "../libraries/SpendBudget.sol";

/**
 * @title Erc20SpendLimit
 * @notice The ERC-20 permission: on a token with a limit, only `transfer` and `approve` may be called, in every
 * access-list mode, and both amounts count (approve at its full amount).
 * @dev Allowing anything else would reopen known bypasses: `transferFrom` after an approve, `increaseAllowance`, or
 * `permit`. The limit's flag and refresh interval live in the token's access entry ({AccessList}), read for the call
 * anyway: [2] limited | [8,40) refresh interval. The limit and its spend are one {SpendBudget} slot.
 */
library Erc20SpendLimit {
    bytes4 internal constant TRANSFER = 0xa9059cbb; // transfer(address,uint256)
    bytes4 internal constant APPROVE = 0x095ea7b3; // approve(address,uint256)
    uint256 internal constant LIMITED = 1 << 2;

    function isLimited(uint256 entry) internal pure returns (bool) {
        return entry & LIMITED != 0;
    }

    function refreshInterval(uint256 entry) internal pure returns (uint256) {
        return (entry >> 8) & 0xffffffff;
    }

    function withLimit(uint256 entry, bool limited, uint256 interval) internal pure returns (uint256) {
        return (entry & ~(LIMITED | (uint256(0xffffffff) << 8))) | (limited ? LIMITED | (interval << 8) : 0);
    }

    /// @notice The amount a call to a limited token moves; reverts for any function but transfer and approve.
    function amountOf(address token, bytes4 selector, bytes calldata data) internal pure returns (uint256 amount) {
        if ((selector != TRANSFER && selector != APPROVE) || data.length < 68) {
            revert ISessionKeyModule.Erc20FunctionNotAllowed(token, selector);
        }
        amount = uint256(bytes32(data[36:68]));
    }

    /// @notice Charges `amount` to the token's budget in the period starting at `start` (0: lifetime limit).
    function charge(SessionKeyStorage.TargetSlots storage slots, address token, uint256 amount, uint256 start)
        internal
    {
        uint256 budget = slots.erc20Budget;
        (uint256 updated, bool ok, uint256 usedBefore) = SpendBudget.charge(budget, amount, start);
        if (!ok) revert ISessionKeyModule.Erc20SpendLimitExceeded(token, SpendBudget.limit(budget), usedBefore, amount);
        slots.erc20Budget = updated;
    }
}
