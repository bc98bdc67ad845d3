// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {
    MODULE_TYPE_VALIDATOR,
    MODULE_TYPE_EXECUTOR,
    MODULE_TYPE_FALLBACK,
    MODULE_TYPE_HOOK
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Lifecycle: install (with initial keys), uninstall, reinstall; management requires the module installed.
contract InstallUninstallTest is UnitBase {
    LeashAccount internal fresh;
    address internal keyA;
    uint256 internal keyAPk;
    address internal keyB;

    function setUp() public override {
        super.setUp();
        fresh = factory.createAccount(owner, 42);
        vm.deal(address(fresh), 10 ether);
        (keyA, keyAPk) = makeAddrAndKey("keyA");
        keyB = makeAddr("keyB");
    }

    function _initData(address[] memory keys, bytes32[] memory tags, bytes[][] memory updates)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encode(keys, tags, updates);
    }

    function _install(LeashAccount acct, bytes memory data) internal {
        vm.prank(address(acct));
        acct.installModule(MODULE_TYPE_VALIDATOR, address(module), data);
    }

    function _uninstall(LeashAccount acct) internal {
        vm.prank(address(acct));
        acct.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
    }

    function test_moduleType() public view {
        assertTrue(module.isModuleType(MODULE_TYPE_VALIDATOR));
        assertFalse(module.isModuleType(MODULE_TYPE_EXECUTOR));
        assertFalse(module.isModuleType(MODULE_TYPE_FALLBACK));
        assertFalse(module.isModuleType(MODULE_TYPE_HOOK));
        assertFalse(module.isModuleType(0));
    }

    function test_installWithoutKeys() public {
        assertFalse(module.isInitialized(address(fresh)));
        _install(fresh, "");
        assertTrue(module.isInitialized(address(fresh)));
        assertTrue(fresh.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(module), ""));
        assertEq(lens.sessionKeysOf(address(module), address(fresh)).length, 0);
    }

    function test_installWithInitialKeys() public {
        address[] memory keys = new address[](2);
        keys[0] = keyA;
        keys[1] = keyB;
        bytes32[] memory tags = new bytes32[](2);
        tags[0] = "app-a";
        tags[1] = "app-b";
        bytes[][] memory updates = new bytes[][](2);
        updates[0] = _updates(_allowTarget(address(target)), _noGasLimit(), _timeRange(0, block.timestamp + 100));
        updates[1] = new bytes[](0);

        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyAdded(
            address(fresh), keyA, "app-a", bytes.concat(updates[0][0], updates[0][1], updates[0][2])
        );
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyAdded(address(fresh), keyB, "app-b", "");
        _install(fresh, _initData(keys, tags, updates));

        address[] memory listed = lens.sessionKeysOf(address(module), address(fresh));
        assertEq(listed.length, 2);
        assertEq(listed[0], keyA);
        assertEq(listed[1], keyB);
        ISessionKeyLens.SessionKeyInfo memory a = lens.getSessionKeyInfo(address(module), address(fresh), keyA);
        assertEq(a.tag, bytes32("app-a"));
        assertEq(a.validUntil, block.timestamp + 100);
        assertFalse(a.gasSpend.hasLimit);
        (bool onList,) = lens.getAccessListEntry(address(module), address(fresh), keyA, address(target));
        assertTrue(onList);
        ISessionKeyLens.SessionKeyInfo memory b = lens.getSessionKeyInfo(address(module), address(fresh), keyB);
        assertEq(b.tag, bytes32("app-b"));
        assertTrue(b.gasSpend.hasLimit);
        assertEq(b.gasSpend.limit, 0);

        // The initial key works through the EntryPoint.
        PackedUserOperation memory op = _userOp(
            address(fresh),
            entryPoint.getNonce(address(fresh), _nonceKey(address(module), 0)),
            _call(address(target), 0, hex"01")
        );
        op.signature = _signSession(op, keyAPk, block.timestamp);
        _handleOp(op);
        assertEq(target.calls(), 1);
    }

    function test_installWithInitialKeys_lengthMismatch() public {
        address[] memory keys = new address[](2);
        keys[0] = keyA;
        keys[1] = keyB;
        bytes32[] memory tags = new bytes32[](1);
        bytes[][] memory updates = new bytes[][](2);
        vm.prank(address(fresh));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InitDataLengthMismatch.selector, 2, 1, 2));
        fresh.installModule(MODULE_TYPE_VALIDATOR, address(module), _initData(keys, tags, updates));

        tags = new bytes32[](2);
        updates = new bytes[][](3);
        vm.prank(address(fresh));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InitDataLengthMismatch.selector, 2, 2, 3));
        fresh.installModule(MODULE_TYPE_VALIDATOR, address(module), _initData(keys, tags, updates));

        assertFalse(module.isInitialized(address(fresh)));
        assertFalse(fresh.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(module), ""));
    }

    function test_installWithInitialKeys_duplicateOrZeroKey() public {
        address[] memory keys = new address[](2);
        keys[0] = keyA;
        keys[1] = keyA;
        bytes32[] memory tags = new bytes32[](2);
        bytes[][] memory updates = new bytes[][](2);
        vm.prank(address(fresh));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyA));
        fresh.installModule(MODULE_TYPE_VALIDATOR, address(module), _initData(keys, tags, updates));

        keys[1] = address(0);
        vm.prank(address(fresh));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidSessionKey.selector));
        fresh.installModule(MODULE_TYPE_VALIDATOR, address(module), _initData(keys, tags, updates));
        assertFalse(module.isInitialized(address(fresh)));
    }

    function test_onInstallTwice_refused() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.ModuleAlreadyInitialized.selector, address(account)));
        module.onInstall("");
    }

    function test_managementRequiresInstall() public {
        bytes memory notInstalled = abi.encodeWithSelector(ISessionKeyModule.NotInstalled.selector, address(fresh));
        vm.startPrank(address(fresh));
        vm.expectRevert(notInstalled);
        module.addSessionKey(keyA, TAG, _none());
        vm.expectRevert(notInstalled);
        module.removeSessionKey(keyA);
        vm.expectRevert(notInstalled);
        module.rotateSessionKey(keyA, keyB);
        vm.expectRevert(notInstalled);
        module.updateKeyPermissions(keyA, _none());
        vm.expectRevert(notInstalled);
        module.revokeAllSessionKeys();
        vm.stopPrank();
    }

    function test_uninstall_invalidatesEveryKey() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        _addKey(keyA, _none());
        PackedUserOperation memory op = _signedOp(_call(address(target), 0, hex"01"), sessionKeyPk, block.timestamp);

        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 1);
        _uninstall(account);

        assertFalse(module.isInitialized(address(account)));
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), sessionKey));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, sessionKey));
        lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        // The module itself refuses the key...
        assertEq(_run(op), 1);
        // ...and the account no longer routes the lane to it: the owner's validation refuses the session signature.
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
        // Management is closed.
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.NotInstalled.selector, address(account)));
        module.addSessionKey(keyB, TAG, _none());
    }

    function test_reinstall_hasNoOldKeys() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(1 ether, 0)));
        _sendSession(_call(address(target), 0.5 ether, ""));
        _uninstall(account);
        _install(account, "");
        assertTrue(module.isInitialized(address(account)));
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), sessionKey));
        assertEq(_runCall(_call(address(target), 0, "")), 1);

        // Re-adding the key starts from defaults.
        _addKey(sessionKey, _none());
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertTrue(info.gasSpend.hasLimit);
        assertEq(info.gasSpend.limit, 0);
        _assertStatus(info.nativeTokenSpend, true, 0, 0, 0, 0, 0, 0);
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertFalse(onList);
        assertFalse(checks);
    }

    function test_uninstallAndReinstall_generationKeepsCounting() public {
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 1);
        _uninstall(account);
        _install(account, "");
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 2);
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 3);
        _uninstall(account);
    }

    function test_installInitialKeysAfterReinstall() public {
        _addKey(keyA, _one(_allowTarget(address(target))));
        _uninstall(account);
        address[] memory keys = new address[](1);
        keys[0] = keyA;
        bytes32[] memory tags = new bytes32[](1);
        tags[0] = "again";
        bytes[][] memory updates = new bytes[][](1);
        updates[0] = new bytes[](0);
        _install(account, _initData(keys, tags, updates));
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 1);
        assertEq(_info(keyA).tag, bytes32("again"));
        (bool onList,) = lens.getAccessListEntry(address(module), address(account), keyA, address(target));
        assertFalse(onList);
    }

    function test_installOnOneAccountDoesNotAffectAnother() public {
        _addKey(keyA, _none());
        _install(fresh, "");
        assertEq(lens.sessionKeysOf(address(module), address(fresh)).length, 0);
        _uninstall(fresh);
        assertTrue(lens.isSessionKeyOf(address(module), address(account), keyA));
        assertTrue(module.isInitialized(address(account)));
    }
}
