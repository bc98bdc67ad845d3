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
import {IERC7579Validator, MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {Calldata} from "@openzeppelin/contracts/utils/Calldata.sol";

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
     * address; the owner's plain ECDSA signature when an installed validator module asks (see below); otherwise the
     * owner's ERC-7739 nested signature.
     * @dev ERC-7739 wraps the owner's signature in the account's own domain (with the chain id) so that a signature for
     * one account of the owner cannot be replayed on another. A validator module installed here is trusted by the owner
     * and asks about digests that already name this account, such as a session key grant (docs/grants.md), whose
     * digest names the account and the chains it holds on: a plain signature lets one grant hold on several chains.
     * @param hash The digest the signature is for.
     * @param signature Module address ‖ module signature, the owner's 65-byte ECDSA signature (installed validator
     * callers only), or an ERC-7739 owner signature.
     */
    function isValidSignature(
        bytes32 hash,
        bytes calldata signature
    ) public view override(AccountERC7579, ERC7739) returns (bytes4) {
        if (
            signature.length == 65 && isModuleInstalled(MODULE_TYPE_VALIDATOR, msg.sender, Calldata.emptyBytes())
                && SignerECDSA._rawSignatureValidation(hash, signature)
        ) return IERC1271.isValidSignature.selector;
        bytes4 moduleResult = AccountERC7579.isValidSignature(hash, signature);
        return moduleResult == IERC1271.isValidSignature.selector ? moduleResult : ERC7739.isValidSignature(hash, signature);
    }

    /**
     * @dev Routes the op like AccountERC7579 does (the validator named in the nonce key if installed, else the owner),
     * with two gas savings: owner ops (no module named) skip the module lookup, since address(0) is never installed;
     * and a module receives the EntryPoint's own encoding of (userOp, userOpHash) instead of a re-encoded copy.
     */
    function _validateUserOp(
        PackedUserOperation calldata userOp,
        bytes32 userOpHash,
        bytes calldata signature
    ) internal override returns (uint256 validationData) {
        address module = _extractUserOpValidator(userOp);
        if (module == address(0) || !isModuleInstalled(MODULE_TYPE_VALIDATOR, module, Calldata.emptyBytes())) {
            return Account._validateUserOp(userOp, userOpHash, signature);
        }
        // Our calldata is the EntryPoint's validateUserOp(userOp, userOpHash, missingAccountFunds): its first two
        // arguments are already encoded as IERC7579Validator.validateUserOp(userOp, userOpHash) expects (the struct
        // offset points past the three head words; decoders ignore the extra word), and v0.8's userOpHash is the
        // signable hash. Forwarding them saves re-encoding the whole op (about 1,500 gas per op).
        bytes4 selector = IERC7579Validator.validateUserOp.selector;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 4), 4, sub(calldatasize(), 4))
            if iszero(call(gas(), module, 0, ptr, calldatasize(), 0x00, 0x20)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            validationData := mload(0x00)
        }
    }

    /// @dev The owner's ECDSA signature; AccountERC7579 alone would refuse every raw signature.
    function _rawSignatureValidation(
        bytes32 hash,
        bytes calldata signature
    ) internal view override(AbstractSigner, AccountERC7579, SignerECDSA) returns (bool) {
        return SignerECDSA._rawSignatureValidation(hash, signature);
    }
}
