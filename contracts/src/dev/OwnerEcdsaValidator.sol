// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7579Validator, MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";

/**
 * @title OwnerEcdsaValidator
 * @notice For tests only: an ERC-7579 validator module that holds each account's ECDSA owner, so an account can have
 * its owner in a module instead of built in (as Kernel, Nexus and Safe7579 accounts do). The owner signs the
 * EntryPoint v0.8 userOpHash itself (an EIP-712 digest, no prefix).
 */
contract OwnerEcdsaValidator is IERC7579Validator {
    /// @notice The owner of each account that installed this module (account-associated storage for ERC-7562).
    mapping(address account => address owner) public ownerOf;

    /// @notice The owner is the zero address.
    error InvalidOwner();

    /// @notice Sets the calling account's owner.
    /// @param data `abi.encode(address owner)`.
    function onInstall(bytes calldata data) external {
        address owner = abi.decode(data, (address));
        if (owner == address(0)) revert InvalidOwner();
        ownerOf[msg.sender] = owner;
    }

    /// @notice Forgets the calling account's owner.
    function onUninstall(bytes calldata) external {
        delete ownerOf[msg.sender];
    }

    /// @notice A validator.
    /// @param moduleTypeId The ERC-7579 module type asked about.
    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    /// @notice Valid when the op's signature is the calling account's owner's over the userOpHash.
    /// @param userOp The op; its signature is 65 bytes r ‖ s ‖ v.
    /// @param userOpHash The EntryPoint's hash of the op.
    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external view returns (uint256) {
        return _isOwnerSignature(msg.sender, userOpHash, userOp.signature)
            ? ERC4337Utils.SIG_VALIDATION_SUCCESS
            : ERC4337Utils.SIG_VALIDATION_FAILED;
    }

    /// @notice ERC-1271 for the calling account: valid when the owner signed `hash`.
    /// @param hash The digest.
    /// @param signature 65 bytes r ‖ s ‖ v.
    function isValidSignatureWithSender(address, bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return _isOwnerSignature(msg.sender, hash, signature) ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    function _isOwnerSignature(address account, bytes32 hash, bytes calldata signature) private view returns (bool) {
        (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecoverCalldata(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer != address(0) && signer == ownerOf[account];
    }
}
