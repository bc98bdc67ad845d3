// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Session signatures: `statedTime ‖ r ‖ s ‖ v` (69 bytes) and the estimation form
/// `statedTime ‖ sessionKey ‖ r ‖ s ‖ v` (89 bytes). A bad signature returns SIG_VALIDATION_FAILED, never reverts.
contract SignatureTest is UnitBase {
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint256 internal T0;

    function setUp() public override {
        super.setUp();
        T0 = block.timestamp;
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _timeRange(T0 - 10, T0 + 1000)));
    }

    function _targetCall() internal view returns (bytes memory) {
        return _call(address(target), 0, hex"01");
    }

    function _op() internal view returns (PackedUserOperation memory) {
        return _sessionOp(_targetCall());
    }

    function _window() internal view returns (uint256) {
        return _vd(false, T0 - 11, T0 + 1000);
    }

    // ---------------------------------------------------------------- 69 bytes

    function test_validSignature() public {
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, sessionKeyPk, T0);
        assertEq(op.signature.length, 69);
        assertEq(_run(op), _window());
        _handleOp(op);
        assertEq(target.calls(), 1);
    }

    function test_statedTimeIsTheFirstFourBytesBigEndian() public {
        _update(sessionKey, _one(_nativeLimit(1 ether, DAY)));
        PackedUserOperation memory op = _sessionOp(_call(address(target), 1, ""));
        // Stating a time inside the key's range: a window within today.
        op.signature = _signSession(op, sessionKeyPk, T0);
        assertEq(bytes4(op.signature), bytes4(uint32(T0)));
        assertEq(_run(op), _vd(false, T0 - 11, T0 + 1000));
        // Stating a day three days on, past the key's end (T0 + 1000): the window is empty, encoded (1, 1] (never valid).
        uint256 stated = T0 + 3 * DAY;
        op.signature = _signSession(op, sessionKeyPk, stated);
        assertGt(_periodStart(stated, 0, DAY), T0 + 1000);
        assertEq(_run(op), _vd(false, 1, 1));
    }

    /// @dev Issue 13: the stated time was outside what the key signed, so a relayer could move a signed op to another
    /// period. Now the key signs it with the userOpHash: a rewritten time fails the signature, in both forms.
    function test_rewrittenStatedTime_failsTheSignature() public {
        _update(sessionKey, _one(_nativeLimit(1 ether, DAY)));
        PackedUserOperation memory op = _sessionOp(_call(address(target), 1, ""));
        op.signature = _signSession(op, sessionKeyPk, T0);
        bytes memory signed = op.signature;
        uint256[3] memory rewrites = [T0 + DAY, T0 - DAY, T0 + 1];
        for (uint256 i; i < rewrites.length; ++i) {
            op.signature = abi.encodePacked(uint32(rewrites[i]), _slice(signed, 4));
            assertEq(_run(op), 1, "69-byte form");
        }
        // The estimation form runs the checks for the named key and flags the failure.
        op.signature = _sign89(op, sessionKeyPk, sessionKey, T0);
        bytes memory signed89 = op.signature;
        op.signature = abi.encodePacked(uint32(T0 + 500), _slice(signed89, 4));
        assertEq(_run(op) & 1, 1, "89-byte form");
        // Through the EntryPoint: refused, and nothing was charged.
        bytes memory before = abi.encode(_info(sessionKey), address(account).balance);
        op.signature = abi.encodePacked(uint32(T0 + DAY), _slice(signed, 4));
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
        assertEq(abi.encode(_info(sessionKey), address(account).balance), before);
        assertEq(target.calls(), 0);
    }

    function test_signatureOverTheBareUserOpHash_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, entryPoint.getUserOpHash(op));
        op.signature = abi.encodePacked(uint32(T0), r, s, v);
        assertEq(_run(op), 1);
        op.signature = abi.encodePacked(uint32(T0), sessionKey, r, s, v);
        assertEq(_run(op), _window() | 1);
    }

    function test_digestIsKeccakOfTheHashAndTheFourTimeBytes() public {
        // A signature over keccak256(userOpHash ‖ uint32 statedTime), built here by hand, validates...
        PackedUserOperation memory op = _op();
        bytes32 digest = keccak256(bytes.concat(entryPoint.getUserOpHash(op), bytes4(uint32(T0))));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, digest);
        op.signature = abi.encodePacked(uint32(T0), r, s, v);
        assertEq(_run(op), _window());
        // ...and one over the same bytes with the time as a full word does not.
        (v, r, s) = vm.sign(sessionKeyPk, keccak256(abi.encode(entryPoint.getUserOpHash(op), T0)));
        op.signature = abi.encodePacked(uint32(T0), r, s, v);
        assertEq(_run(op), 1);
    }

    function _slice(bytes memory data, uint256 from) internal pure returns (bytes memory out) {
        out = new bytes(data.length - from);
        for (uint256 i; i < out.length; ++i) {
            out[i] = data[from + i];
        }
    }

    function test_unknownSigner_returnsSigFailed() public {
        (, uint256 strangerPk) = makeAddrAndKey("stranger");
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, strangerPk, T0);
        assertEq(_run(op), 1);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
    }

    function test_ownerSignatureOnModuleLane_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, ownerKey, T0);
        assertEq(_run(op), 1);
    }

    function test_signatureOverAnotherOp_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        PackedUserOperation memory other = _sessionOp(_call(address(target), 0, hex"02"));
        op.signature = _signSession(other, sessionKeyPk, T0);
        assertEq(_run(op), 1);
    }

    function test_malformedLengths_returnSigFailed() public {
        PackedUserOperation memory op = _op();
        bytes memory good = _signSession(op, sessionKeyPk, T0);
        uint256[9] memory lengths = [uint256(0), 1, 4, 65, 68, 70, 71, 88, 90];
        for (uint256 i; i < lengths.length; ++i) {
            bytes memory sig = new bytes(lengths[i]);
            for (uint256 j; j < sig.length; ++j) {
                sig[j] = j < good.length ? good[j] : bytes1(0x01);
            }
            op.signature = sig;
            assertEq(_run(op), 1, "length");
        }
        // A plain 65-byte ECDSA signature by the key (no stated time) is not a session signature either.
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, entryPoint.getUserOpHash(op));
        op.signature = abi.encodePacked(r, s, v);
        assertEq(_run(op), 1);
    }

    function test_highS_malleatedSignature_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        bytes32 digest = _sessionDigest(entryPoint.getUserOpHash(op), T0);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, digest);
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        // ecrecover itself accepts the malleated form and returns the key...
        assertEq(ecrecover(digest, flippedV, r, highS), sessionKey);
        // ...the module does not.
        op.signature = abi.encodePacked(uint32(T0), r, highS, flippedV);
        assertEq(_run(op), 1);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);

        // The same in the 89-byte form: the checks run, sigFailed is set.
        op.signature = abi.encodePacked(uint32(T0), sessionKey, r, highS, flippedV);
        assertEq(_run(op), _window() | 1);
    }

    function test_invalidV_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        (, bytes32 r, bytes32 s) = vm.sign(sessionKeyPk, _sessionDigest(entryPoint.getUserOpHash(op), T0));
        op.signature = abi.encodePacked(uint32(T0), r, s, uint8(29));
        assertEq(_run(op), 1);
        op.signature = abi.encodePacked(uint32(T0), r, s, uint8(0));
        assertEq(_run(op), 1);
    }

    function test_removedKey_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, sessionKeyPk, T0);
        vm.prank(address(account));
        module.removeSessionKey(sessionKey);
        assertEq(_run(op), 1);
    }

    function test_revokedKey_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, sessionKeyPk, T0);
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        assertEq(_run(op), 1);
    }

    function test_expiredKey_isNotASignatureFailure() public {
        vm.warp(T0 + 1001);
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        assertEq(_run(op), _window());
        _expectFailedOp(0, "AA22 expired or not due");
        _handleOp(op);
    }

    function test_callerOtherThanTheAccount_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        op.signature = _signSession(op, sessionKeyPk, T0);
        bytes32 hash = entryPoint.getUserOpHash(op);
        // msg.sender is the account: keys of another (or no) account never validate.
        vm.prank(makeAddr("someone"));
        assertEq(module.validateUserOp(op, hash), 1);
    }

    // ---------------------------------------------------------------- 89 bytes (estimation)

    function test_estimationForm_validSignature() public {
        PackedUserOperation memory op = _op();
        op.signature = _sign89(op, sessionKeyPk, sessionKey, T0);
        assertEq(op.signature.length, 89);
        assertEq(_run(op), _window());
        _handleOp(op);
        assertEq(target.calls(), 1);
    }

    function test_estimationForm_dummySignature_runsChecksAndFlagsFailure() public {
        PackedUserOperation memory op = _op();
        op.signature = abi.encodePacked(uint32(T0), sessionKey, bytes32(uint256(1)), bytes32(uint256(2)), uint8(27));
        assertEq(_run(op), _window() | 1);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
        assertEq(target.calls(), 0);
    }

    function test_estimationForm_otherKeysSignature_flagsFailure() public {
        (address other, uint256 otherPk) = makeAddrAndKey("otherKey");
        _addKeyWithGas(other, _one(_allowTarget(address(target))));
        PackedUserOperation memory op = _op();
        // Named key: sessionKey; signed by another key of the account.
        op.signature = _sign89(op, otherPk, sessionKey, T0);
        assertEq(_run(op), _window() | 1);
    }

    function test_estimationForm_permissionFailureStillReverts() public {
        PackedUserOperation memory op = _sessionOp(_call(address(target2), 0, hex"01"));
        op.signature = abi.encodePacked(uint32(T0), sessionKey, bytes32(uint256(1)), bytes32(uint256(2)), uint8(27));
        _expectValidateRevert(op, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2)));
    }

    function test_estimationForm_unknownOrZeroKey_returnsSigFailed() public {
        PackedUserOperation memory op = _op();
        op.signature = _sign89(op, sessionKeyPk, makeAddr("notAKey"), T0);
        assertEq(_run(op), 1);
        op.signature = _sign89(op, sessionKeyPk, address(0), T0);
        assertEq(_run(op), 1);
    }

    // ---------------------------------------------------------------- nonce lanes

    function test_anyLaneOfTheModuleWorks() public {
        PackedUserOperation memory op = _laneOp(_targetCall(), 7, 0);
        op.signature = _signSession(op, sessionKeyPk, T0);
        _handleOp(op);
        op = _laneOp(_targetCall(), type(uint32).max, 0);
        op.signature = _signSession(op, sessionKeyPk, T0);
        _handleOp(op);
        assertEq(target.calls(), 2);
        assertEq(
            entryPoint.getNonce(address(account), _nonceKey(address(module), 7)),
            (uint256(_nonceKey(address(module), 7)) << 64) | 1
        );
    }

    function test_sessionSignatureOnOwnerLane_isRefused() public {
        PackedUserOperation memory op =
            _userOp(address(account), entryPoint.getNonce(address(account), 0), _targetCall());
        op.signature = _signSession(op, sessionKeyPk, T0);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
    }
}
