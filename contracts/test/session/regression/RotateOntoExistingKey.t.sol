// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: rotating a key onto an address that is already a key, which would merge, overwrite or orphan
/// one key's permissions and spend. Refused; both keys stay exactly as they were.
contract RotateOntoExistingKeyTest is UnitBase {
    address internal keyA;
    uint256 internal keyAPk;
    address internal keyB;
    uint256 internal keyBPk;

    function setUp() public override {
        super.setUp();
        (keyA, keyAPk) = makeAddrAndKey("keyA");
        (keyB, keyBPk) = makeAddrAndKey("keyB");
        // A: narrow, with spend. B: broad.
        _addKeyWithGas(keyA, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 100e6, 0)));
        _addKeyWithGas(keyB, _updates(_listType(AccessListType.ALLOW_ALL), _noNativeLimit()));
        _handleOp(_signedOp(_transferCall(recipient, 40e6), keyAPk, block.timestamp));
    }

    function test_rotatingOntoAnExistingKey_isRefusedAndChangesNothing() public {
        bytes memory stateA = _keyState(keyA);
        bytes memory stateB = _keyState(keyB);

        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyB));
        module.rotateSessionKey(keyA, keyB);
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyA));
        module.rotateSessionKey(keyB, keyA);

        assertEq(_keyState(keyA), stateA);
        assertEq(_keyState(keyB), stateB);
        address[] memory keys = lens.sessionKeysOf(address(module), address(account));
        assertEq(keys.length, 2);
        assertEq(keys[0], keyA);
        assertEq(keys[1], keyB);

        // Each key still works with its own permissions.
        _handleOp(_signedOp(_transferCall(recipient, 60e6), keyAPk, block.timestamp));
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 1), keyAPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), 100e6, 100e6, 1)
        );
        _handleOp(op);
        _handleOp(_signedOp(_call(recipient, 1 ether, ""), keyBPk, block.timestamp));
        assertEq(recipient.balance, 1 ether);
        assertEq(token.balanceOf(recipient), 100e6);
    }

    function test_rotatingOntoAKeyOfAnotherAccount_isFine() public {
        // Keys are per account: the same address may be a key elsewhere.
        address other = address(factory.createAccount(owner, 9));
        vm.prank(other);
        module.onInstall("");
        address shared = makeAddr("shared");
        vm.prank(other);
        module.addSessionKey(shared, "other", _none());

        vm.prank(address(account));
        module.rotateSessionKey(keyA, shared);
        assertEq(_erc20Status(shared).used, 40e6);
        assertEq(lens.getSessionKeyInfo(address(module), other, shared).tag, bytes32("other"));
        assertFalse(lens.getErc20SpendLimit(address(module), other, shared, address(token)).hasLimit);
    }

    function test_rotatingOntoARevokedKey_isFine() public {
        // A key of a revoked generation is not a key any more.
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        _addKey(keyA, _none());
        vm.prank(address(account));
        module.rotateSessionKey(keyA, keyB);
        assertTrue(lens.isSessionKeyOf(address(module), address(account), keyB));
        assertFalse(lens.getErc20SpendLimit(address(module), address(account), keyB, address(token)).hasLimit);
        assertEq(uint8(_info(keyB).accessListType), uint8(AccessListType.ALLOWLIST));
    }
}
