// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ERC7739Utils} from "@openzeppelin/contracts/utils/cryptography/draft-ERC7739Utils.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a session key producing ERC-1271 signatures for the account (a signed permit, Permit2 or order
/// would bypass every spend limit). The module answers invalid for every signature, whoever signed.
contract SessionKeyErc1271Test is UnitBase {
    bytes4 internal constant INVALID = 0xffffffff;

    function setUp() public override {
        super.setUp();
        _addKey(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _noNativeLimit(), _noGasLimit()));
    }

    function _sign(uint256 pk, bytes32 hash) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, hash);
        return abi.encodePacked(r, s, v);
    }

    function _personalSignDigest(bytes32 message) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifying,,) = account.eip712Domain();
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator, ERC7739Utils.personalSignStructHash(message));
    }

    function test_sessionKeyProducesNoErc1271Signatures_module() public view {
        bytes32 hash = keccak256("permit");
        bytes memory raw = _sign(sessionKeyPk, hash);
        assertEq(module.isValidSignatureWithSender(address(this), hash, raw), INVALID);
        assertEq(
            module.isValidSignatureWithSender(address(token), hash, abi.encodePacked(uint48(block.timestamp), raw)),
            INVALID
        );
        assertEq(
            module.isValidSignatureWithSender(
                address(token), hash, abi.encodePacked(uint48(block.timestamp), sessionKey, raw)
            ),
            INVALID
        );
        // Even the owner's signature: the module never signs for anyone.
        assertEq(module.isValidSignatureWithSender(address(this), hash, _sign(ownerKey, hash)), INVALID);
    }

    function test_sessionKeyProducesNoErc1271Signatures_account() public view {
        bytes32 hash = keccak256("order");
        bytes memory raw = _sign(sessionKeyPk, hash);
        // Routed to the module by its 20-byte prefix, in every signature form.
        assertEq(account.isValidSignature(hash, abi.encodePacked(address(module), raw)), INVALID);
        assertEq(
            account.isValidSignature(hash, abi.encodePacked(address(module), uint48(block.timestamp), raw)), INVALID
        );
        assertEq(account.isValidSignature(hash, raw), INVALID);
        // The key signing the account's ERC-7739 digest, as the owner would: still invalid.
        bytes memory nested = _sign(sessionKeyPk, _personalSignDigest(hash));
        assertEq(account.isValidSignature(hash, nested), INVALID);
        assertEq(account.isValidSignature(hash, abi.encodePacked(address(module), nested)), INVALID);
        assertFalse(
            SignatureChecker.isValidSignatureNow(address(account), hash, abi.encodePacked(address(module), raw))
        );
        assertFalse(SignatureChecker.isValidSignatureNow(address(account), hash, nested));

        // Control: the owner's ERC-7739 signature is valid, so the checks above can fail.
        bytes memory ownerSig = _sign(ownerKey, _personalSignDigest(hash));
        assertEq(account.isValidSignature(hash, ownerSig), IERC1271.isValidSignature.selector);
    }

    function test_permitSignedBySessionKey_isRejectedByTheToken() public {
        // An EIP-2612 permit over the account's tokens, signed by the session key, moves nothing.
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                address(account),
                spender,
                1_000e6,
                token.nonces(address(account)),
                deadline
            )
        );
        bytes32 digest = MessageHashUtils.toTypedDataHash(token.DOMAIN_SEPARATOR(), structHash);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, digest);
        vm.expectRevert();
        token.permit(address(account), spender, 1_000e6, deadline, v, r, s);
        assertEq(token.allowance(address(account), spender), 0);
    }
}
