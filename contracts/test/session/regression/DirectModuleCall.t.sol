// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a session op makes the account call the module (management acts on msg.sender, the account):
/// a key could widen its own permissions, add keys, or remove others. Refused in every list mode and in batches.
contract DirectModuleCallTest is UnitBase {
    address internal otherKey;
    address internal newKey;

    function setUp() public override {
        super.setUp();
        otherKey = makeAddr("otherKey");
        newKey = makeAddr("newKey");
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(1 ether, 0), _noGasLimit()));
        _addKey(otherKey, _none());
    }

    function _moduleCalls() internal view returns (bytes[7] memory calls) {
        calls[0] = abi.encodeCall(module.updateKeyPermissions, (sessionKey, _one(_listType(AccessListType.ALLOW_ALL))));
        calls[1] = abi.encodeCall(module.updateKeyPermissions, (sessionKey, _one(_noNativeLimit())));
        calls[2] = abi.encodeCall(module.addSessionKey, (newKey, TAG, _one(_listType(AccessListType.ALLOW_ALL))));
        calls[3] = abi.encodeCall(module.removeSessionKey, (otherKey));
        calls[4] = abi.encodeCall(module.rotateSessionKey, (sessionKey, newKey));
        calls[5] = abi.encodeCall(module.revokeAllSessionKeys, ());
        calls[6] = abi.encodeCall(module.onUninstall, (""));
    }

    function _assertRefusedInThisMode() internal {
        bytes memory refused = abi.encodeWithSelector(ISessionKeyModule.CallToModuleNotAllowed.selector);
        bytes[7] memory calls = _moduleCalls();
        for (uint256 i; i < calls.length; ++i) {
            _expectRunRevert(_call(address(module), 0, calls[i]), refused);
            Execution[] memory batch = new Execution[](2);
            batch[0] = Execution(address(target), 0, hex"01");
            batch[1] = Execution(address(module), 0, calls[i]);
            _expectRunRevert(_executeBatch(batch), refused);
        }
    }

    function _assertModuleStateUnchanged(AccessListType expectedType) internal view {
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(uint8(info.accessListType), uint8(expectedType));
        assertTrue(info.nativeTokenSpend.hasLimit);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), newKey));
        assertTrue(lens.isSessionKeyOf(address(module), address(account), otherKey));
        assertTrue(module.isInitialized(address(account)));
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 2);
    }

    function test_callingTheModuleDirectly_updateKeyPermissionsViaSessionOp() public {
        bytes memory callData = _call(address(module), 0, _moduleCalls()[0]);
        PackedUserOperation memory op = _signedOp(callData, sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.CallToModuleNotAllowed.selector));
        _handleOp(op);
        _assertModuleStateUnchanged(AccessListType.ALLOWLIST);
    }

    function test_callingTheModuleDirectly_allowlist() public {
        _assertRefusedInThisMode();
        _assertModuleStateUnchanged(AccessListType.ALLOWLIST);
    }

    function test_callingTheModuleDirectly_denylist() public {
        // Under the denylist the target's entry would deny it: take it off so only the module call is refused.
        _update(sessionKey, _updates(_listType(AccessListType.DENYLIST), _entry(address(target), false, false)));
        _assertRefusedInThisMode();
        _assertModuleStateUnchanged(AccessListType.DENYLIST);
    }

    function test_callingTheModuleDirectly_allowAll() public {
        _update(sessionKey, _one(_listType(AccessListType.ALLOW_ALL)));
        _assertRefusedInThisMode();
        // End to end in a batch too.
        Execution[] memory batch = new Execution[](2);
        batch[0] = Execution(address(target), 0, hex"01");
        batch[1] = Execution(address(module), 0, _moduleCalls()[5]);
        PackedUserOperation memory op = _signedOp(_executeBatch(batch), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.CallToModuleNotAllowed.selector));
        _handleOp(op);
        _assertModuleStateUnchanged(AccessListType.ALLOW_ALL);
        assertEq(target.calls(), 0);
    }

    function test_moduleCannotBeAllowlisted() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, address(module)));
        module.updateKeyPermissions(sessionKey, _one(_allowTarget(address(module))));
    }

    function test_sessionKeyCallingTheModuleFromItsOwnAddress_actsOnItself() public {
        // Management acts on msg.sender: the key's own address has no module installed.
        vm.prank(sessionKey);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.NotInstalled.selector, sessionKey));
        module.updateKeyPermissions(sessionKey, _one(_noNativeLimit()));
        // And calling onUninstall from its own address only affects its own (empty) state.
        vm.prank(sessionKey);
        module.onUninstall("");
        _assertModuleStateUnchanged(AccessListType.ALLOWLIST);
    }
}
