// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7579Validator, MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @dev A minimal validator: one ECDSA signer per account, set at install.
contract MockValidator is IERC7579Validator {
    mapping(address account => address) public signerOf;
    mapping(address account => uint256) public uninstallCount;

    function onInstall(bytes calldata data) external {
        signerOf[msg.sender] = abi.decode(data, (address));
    }

    function onUninstall(bytes calldata) external {
        delete signerOf[msg.sender];
        uninstallCount[msg.sender]++;
    }

    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external view returns (uint256) {
        (address recovered,,) = ECDSA.tryRecover(userOpHash, userOp.signature);
        return recovered != address(0) && recovered == signerOf[msg.sender] ? 0 : 1;
    }

    function isValidSignatureWithSender(address, bytes32 hash, bytes calldata signature)
        external
        view
        returns (bytes4)
    {
        (address recovered,,) = ECDSA.tryRecover(hash, signature);
        return recovered != address(0) && recovered == signerOf[msg.sender] ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}

/// @dev A validator whose validation always reverts with a custom error, to check the account bubbles it up.
contract RevertingValidator {
    error Refused(uint256 code, address account);

    function onInstall(bytes calldata) external {}

    function onUninstall(bytes calldata) external {}

    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == 1;
    }

    function validateUserOp(PackedUserOperation calldata, bytes32) external view returns (uint256) {
        revert Refused(42, msg.sender);
    }
}

/// @dev A validator that records what it decoded, to check the account forwards the op intact.
contract RecordingValidator {
    bytes32 public seenOp;
    bytes32 public seenHash;

    function onInstall(bytes calldata) external {}

    function onUninstall(bytes calldata) external {}

    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == 1;
    }

    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external returns (uint256) {
        seenOp = keccak256(abi.encode(userOp));
        seenHash = userOpHash;
        return 0;
    }
}
