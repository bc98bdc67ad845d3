// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7579Validator, MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";

/**
 * @title TimestampValidator
 * @notice A deliberately non-compliant validator for tests only: it reads TIMESTAMP during validation, which
 * ERC-7562 bans, so a bundler in safe mode must refuse its ops. It accepts any signature.
 */
contract TimestampValidator is IERC7579Validator {
    /// @notice No set-up.
    function onInstall(bytes calldata) external {}

    /// @notice No clean-up.
    function onUninstall(bytes calldata) external {}

    /// @notice A validator.
    /// @param moduleTypeId The ERC-7579 module type asked about.
    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    /// @notice Accepts every op, but reads the clock while doing so (the banned opcode).
    function validateUserOp(PackedUserOperation calldata, bytes32) external view returns (uint256) {
        // forge-lint: disable-next-line(block-timestamp)
        return block.timestamp > 0 ? 0 : 1;
    }

    /// @notice Never signs.
    function isValidSignatureWithSender(address, bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }
}
