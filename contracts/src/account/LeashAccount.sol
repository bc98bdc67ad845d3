// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Account} from "@openzeppelin/contracts/account/Account.sol";
import {AccountERC7579} from "@openzeppelin/contracts/account/extensions/draft-AccountERC7579.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {AbstractSigner} from "@openzeppelin/contracts/utils/cryptography/signers/AbstractSigner.sol";
import {SignerECDSA} from "@openzeppelin/contracts/utils/cryptography/signers/SignerECDSA.sol";
import {ERC7739} from "@openzeppelin/contracts/utils/cryptography/signers/draft-ERC7739.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/**
 * @title LeashAccount
 * @notice Reference ERC-7579 smart account for Leash: OpenZeppelin's audited Account + AccountERC7579 with one
 * ECDSA owner, for EntryPoint v0.8. Deployed as ERC-1167 clones by {LeashAccountFactory}.
 * @dev User ops whose nonce key starts with an installed validator's address are validated by that module
 * (e.g. the session key module); every other op must be signed by the owner over the EIP-712 userOpHash.
 * ERC-1271 signatures come from a validator module (20-byte module prefix) or from the owner, wrapped in
 * ERC-7739 so one owner signature cannot be replayed on another account of the same owner.
 */
contract LeashAccount is AccountERC7579, SignerECDSA, ERC7739, Initializable {
    constructor() EIP712("LeashAccount", "1") SignerECDSA(address(0)) {
        _disableInitializers();
    }

    /**
     * @notice Sets the owner of a freshly cloned account. Called once, by the factory, in the deploying tx.
     * @param owner The ECDSA key that signs owner user ops and owner ERC-1271 signatures.
     */
    function initialize(address owner) external initializer {
        _setSigner(owner);
    }

    /// @inheritdoc AccountERC7579
    function accountId() public pure override returns (string memory) {
        return "leash.account.1.0.0";
    }

    /// @inheritdoc Account
    /// @dev OpenZeppelin 5.7 defaults to EntryPoint v0.9; Leash targets v0.8 at its canonical address.
    function entryPoint() public pure override returns (IEntryPoint) {
        return ERC4337Utils.ENTRYPOINT_V08;
    }

    /**
     * @notice ERC-1271: a validator module's answer when the signature is prefixed with an installed module's
     * address, otherwise the owner's ERC-7739 nested signature.
     * @param hash The digest the signature is for.
     * @param signature Module address ‖ module signature, or an ERC-7739 owner signature.
     */
    function isValidSignature(
        bytes32 hash,
        bytes calldata signature
    ) public view override(AccountERC7579, ERC7739) returns (bytes4) {
        bytes4 moduleResult = AccountERC7579.isValidSignature(hash, signature);
        return moduleResult == IERC1271.isValidSignature.selector ? moduleResult : ERC7739.isValidSignature(hash, signature);
    }

    /// @dev Owner ops (nonce key not naming a module) skip the module lookup: address(0) is never installed.
    function _validateUserOp(
        PackedUserOperation calldata userOp,
        bytes32 userOpHash,
        bytes calldata signature
    ) internal override returns (uint256) {
        if (_extractUserOpValidator(userOp) == address(0)) return Account._validateUserOp(userOp, userOpHash, signature);
        return super._validateUserOp(userOp, userOpHash, signature);
    }

    /// @dev The owner's ECDSA signature; AccountERC7579 alone would refuse every raw signature.
    function _rawSignatureValidation(
        bytes32 hash,
        bytes calldata signature
    ) internal view override(AbstractSigner, AccountERC7579, SignerECDSA) returns (bool) {
        return SignerECDSA._rawSignatureValidation(hash, signature);
    }
}
