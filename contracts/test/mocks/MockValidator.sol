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
