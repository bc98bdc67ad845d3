// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccountERC7579} from "@openzeppelin/contracts/account/extensions/draft-AccountERC7579.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";

/**
 * @title Erc7579TestAccount
 * @notice For tests only: an ERC-7579 account unlike the Leash account, to show the SDK's account capability seam.
 * Its owner is a validator module (no built-in signer: AccountERC7579 refuses every raw signature), and its nonce key
 * names the validator the way Kernel v3 does: `mode (1 byte) ‖ validation type (1) ‖ validator (20) ‖ lane (2)`,
 * not OpenZeppelin's `validator (20) ‖ lane (4)`.
 */
contract Erc7579TestAccount is AccountERC7579 {
    /// @notice Installs the owner's validator module.
    /// @param ownerValidator The validator module that checks the owner's ops.
    /// @param ownerData Its install data (the owner).
    constructor(address ownerValidator, bytes memory ownerData) {
        _installModule(MODULE_TYPE_VALIDATOR, ownerValidator, ownerData);
    }

    /// @inheritdoc AccountERC7579
    function accountId() public pure override returns (string memory) {
        return "leash.test.erc7579-kernel-nonce.1";
    }

    /// @notice EntryPoint v0.8 (OpenZeppelin 5.7 defaults to v0.9).
    function entryPoint() public pure override returns (IEntryPoint) {
        return ERC4337Utils.ENTRYPOINT_V08;
    }

    /// @dev The validator in the nonce the Kernel v3 way: the 192-bit key is `mode ‖ type ‖ validator ‖ lane`, so the
    /// validator is bits 80 to 239 of the nonce.
    function _extractUserOpValidator(PackedUserOperation calldata userOp) internal pure override returns (address) {
        return address(uint160(userOp.nonce >> 80));
    }
}
