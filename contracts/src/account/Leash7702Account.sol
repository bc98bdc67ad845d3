// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccountERC7579} from "@openzeppelin/contracts/account/extensions/draft-AccountERC7579.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {SignerEIP7702} from "@openzeppelin/contracts/utils/cryptography/signers/SignerEIP7702.sol";

/**
 * @title Leash7702Account
 * @notice What an EOA delegates to with EIP-7702 to become an ERC-7579 account for EntryPoint v0.8: OpenZeppelin's
 * AccountERC7579 with the EIP-7702 signer (the EOA's own key signs owner ops). Validators such as the session key
 * module are installed on the EOA like on any ERC-7579 account; an op whose nonce key names none is the EOA's.
 * @dev No constructor state and no initializer: the EOA's key is the owner, so delegating is all the set-up there is.
 */
contract Leash7702Account is AccountERC7579, SignerEIP7702 {
    /// @inheritdoc AccountERC7579
    function accountId() public pure override returns (string memory) {
        return "leash.eip7702.1.0.0";
    }

    /// @notice EntryPoint v0.8 (OpenZeppelin 5.7 defaults to v0.9).
    /// @return The canonical EntryPoint v0.8.
    function entryPoint() public pure override returns (IEntryPoint) {
        return ERC4337Utils.ENTRYPOINT_V08;
    }

    /// @dev The EOA's ECDSA signature; AccountERC7579 alone would refuse every raw signature.
    function _rawSignatureValidation(bytes32 hash, bytes calldata signature)
        internal
        view
        override(AccountERC7579, SignerEIP7702)
        returns (bool)
    {
        return SignerEIP7702._rawSignatureValidation(hash, signature);
    }
}
