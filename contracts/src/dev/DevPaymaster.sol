// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Paymaster} from "@openzeppelin/contracts/account/paymaster/Paymaster.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";

/**
 * @title DevPaymaster
 * @notice Sponsors every user op from its EntryPoint deposit. For the local stack, demos and tests only: anyone can
 * spend its deposit.
 */
contract DevPaymaster is Paymaster {
    /// @inheritdoc Paymaster
    function entryPoint() public pure override returns (IEntryPoint) {
        return ERC4337Utils.ENTRYPOINT_V08;
    }

    /// @notice Adds `msg.value` to the paymaster's EntryPoint deposit.
    function deposit() external payable {
        _deposit(msg.value);
    }

    /// @dev Accepts every op, with no context and no time limit.
    function _validatePaymasterUserOp(PackedUserOperation calldata, bytes32, uint256)
        internal
        pure
        override
        returns (bytes memory context, uint256 validationData)
    {
        return ("", ERC4337Utils.SIG_VALIDATION_SUCCESS);
    }
}
