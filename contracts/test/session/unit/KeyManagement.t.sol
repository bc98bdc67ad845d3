// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Lifecycle: add, remove, rotate, update (partial), revoke-all, with their events.
contract KeyManagementTest is UnitBase {
    bytes4 internal constant FOO = 0x12345678;

    address internal keyA;
    uint256 internal keyAPk;
    address internal keyB;
    uint256 internal keyBPk;
    address internal paymasterAddr;

    function setUp() public override {
        super.setUp();
        (keyA, keyAPk) = makeAddrAndKey("keyA");
        (keyB, keyBPk) = makeAddrAndKey("keyB");
        paymasterAddr = makeAddr("paymaster");
    }

    // ---------------------------------------------------------------- add

    function test_add_defaults_canDoNothing() public {
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyAdded(address(account), keyA, "my-app", "");
        vm.recordLogs();
        vm.prank(address(account));
        module.addSessionKey(keyA, "my-app", _none());
        assertEq(vm.getRecordedLogs().length, 1);

        assertTrue(lens.isSessionKeyOf(address(module), address(account), keyA));
        ISessionKeyLens.SessionKeyInfo memory info = _info(keyA);
        assertEq(info.tag, bytes32("my-app"));
        assertEq(info.validFrom, 0);
        assertEq(info.validUntil, 0);
        assertEq(uint8(info.accessListType), uint8(AccessListType.ALLOWLIST));
        assertEq(info.refreshAnchor, 0);
        _assertStatus(info.nativeTokenSpend, true, 0, 0, 0, 0, 0, 0);
        _assertStatus(info.gasSpend, true, 0, 0, 0, 0, 0, 0);
        assertEq(info.requiredPaymaster, address(0));
        _assertStatus(lens.getErc20SpendLimit(address(module), address(account), keyA, address(token)), false, 0, 0, 0, 0, 0, 0);

        // No call is allowed; even if it were, value and gas are limited to zero.
        _expectValidateRevert(
            _signedOp(_call(address(target), 0, ""), keyAPk, block.timestamp),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target))
        );
        PackedUserOperation memory op = _signedOp(_call(address(target), 0, ""), keyAPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target)));
        _handleOp(op);
    }

    function test_add_withUpdates_emitsOneEventWithThePackedUpdates() public {
        // One event, its updates concatenated (each update's length follows from its selector): about half the bytes
        // of their ABI encoding, at 8 gas per logged byte.
        bytes[] memory updates = _updates(_allowTarget(address(target)), _noGasLimit());
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyAdded(address(account), keyA, "tag-a", bytes.concat(updates[0], updates[1]));
        vm.recordLogs();
        vm.prank(address(account));
        module.addSessionKey(keyA, "tag-a", updates);
        assertEq(vm.getRecordedLogs().length, 1);
        assertEq(_run(_signedOp(_call(address(target), 0, hex"01"), keyAPk, block.timestamp)), 0);
    }

    function test_add_zeroTag() public {
        vm.prank(address(account));
        module.addSessionKey(keyA, bytes32(0), _none());
        assertEq(_info(keyA).tag, bytes32(0));
    }

    function test_add_zeroKeyRefused() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidSessionKey.selector));
        module.addSessionKey(address(0), TAG, _none());
    }

    function test_add_existingKeyRefused() public {
        _addKey(keyA, _one(_allowTarget(address(target))));
        bytes memory before = _keyState(keyA);
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyA));
        module.addSessionKey(keyA, "other", _one(_listType(AccessListType.ALLOW_ALL)));
        assertEq(_keyState(keyA), before);
    }

    function test_sessionKeyCannotManageItself() public {
        _addKey(keyA, _none());
        // From the key's own address, management acts on the key's address, which has no module installed.
        vm.prank(keyA);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.NotInstalled.selector, keyA));
        module.updateKeyPermissions(keyA, _one(_listType(AccessListType.ALLOW_ALL)));
        vm.prank(keyA);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.NotInstalled.selector, keyA));
        module.addSessionKey(keyB, TAG, _none());
        assertEq(uint8(_info(keyA).accessListType), uint8(AccessListType.ALLOWLIST));
    }

    // ---------------------------------------------------------------- remove

    function test_remove() public {
        _addKey(keyA, _one(_allowTarget(address(target))));
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyRemoved(address(account), keyA, TAG);
        vm.prank(address(account));
        module.removeSessionKey(keyA);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        bytes memory notFound = abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, keyA);
        vm.expectRevert(notFound);
        lens.getSessionKeyInfo(address(module), address(account), keyA);
        vm.expectRevert(notFound);
        lens.getAccessListEntry(address(module), address(account), keyA, address(target));
        vm.expectRevert(notFound);
        lens.isSelectorOnAccessList(address(module), address(account), keyA, address(target), FOO);
        vm.expectRevert(notFound);
        lens.getErc20SpendLimit(address(module), address(account), keyA, address(token));
        assertEq(_run(_signedOp(_call(address(target), 0, ""), keyAPk, block.timestamp)), 1);
    }

    function test_remove_unknownKeyRefused() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, keyA));
        module.removeSessionKey(keyA);
        // Twice.
        _addKey(keyA, _none());
        vm.startPrank(address(account));
        module.removeSessionKey(keyA);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, keyA));
        module.removeSessionKey(keyA);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- rotate

    function test_rotate_inheritsPermissionsAndSpend() public {
        _addKeyWithGas(
            keyA,
            _updates(
                _allowTarget(address(token)),
                _erc20Limit(address(token), 100e6, WEEK),
                _timeRange(block.timestamp - 1, block.timestamp + 30 days),
                _paymaster(address(0))
            )
        );
        _update(
            keyA,
            _updates(_entry(address(target), true, true), _fn(address(target), FOO, true), _nativeLimit(1 ether, DAY))
        );
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 30e6), keyAPk, block.timestamp);
        _handleOp(op);
        bytes memory stateA = _keyState(keyA);

        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyRotated(address(account), keyA, keyB, TAG);
        vm.prank(address(account));
        module.rotateSessionKey(keyA, keyB);

        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
        assertTrue(lens.isSessionKeyOf(address(module), address(account), keyB));
        address[] memory keys = lens.sessionKeysOf(address(module), address(account));
        assertEq(keys.length, 1);
        assertEq(keys[0], keyB);
        // Same info, entries, limits and spend (the key list differs only in the key's name).
        bytes memory stateB = _keyState(keyB);
        assertEq(keccak256(stateB), keccak256(_replaceKey(stateA)));
        assertEq(_erc20Status(keyB).used, 30e6);

        // The old key is dead, the new one spends the rest.
        op = _signedOp(_transferCall(recipient, 1), keyAPk, block.timestamp);
        assertEq(_run(op), 1);
        op = _signedOp(_transferCall(recipient, 71e6), keyBPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), 100e6, 30e6, 71e6
            )
        );
        _handleOp(op);
        op = _signedOp(_transferCall(recipient, 70e6), keyBPk, block.timestamp);
        _handleOp(op);
        assertEq(token.balanceOf(recipient), 100e6);
    }

    /// @dev _keyState(keyA) with keyA replaced by keyB in the key list (the last element of the encoding).
    function _replaceKey(bytes memory state) internal view returns (bytes memory) {
        bytes32 a = bytes32(uint256(uint160(keyA)));
        bytes32 b = bytes32(uint256(uint160(keyB)));
        for (uint256 i; i + 32 <= state.length; i += 32) {
            bytes32 word;
            assembly {
                word := mload(add(add(state, 32), i))
            }
            if (word == a) {
                assembly {
                    mstore(add(add(state, 32), i), b)
                }
            }
        }
        return state;
    }

    function test_rotate_refusals() public {
        _addKey(keyA, _none());
        _addKey(keyB, _none());
        vm.startPrank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyB));
        module.rotateSessionKey(keyA, keyB);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, keyA));
        module.rotateSessionKey(keyA, keyA);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidSessionKey.selector));
        module.rotateSessionKey(keyA, address(0));
        address unknown = makeAddr("unknown");
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, unknown));
        module.rotateSessionKey(unknown, makeAddr("other"));
        vm.stopPrank();
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 2);
    }

    function test_rotate_thenReAddOldKey_startsFresh() public {
        _addKey(keyA, _updates(_allowTarget(address(target)), _nativeLimit(5 ether, 0)));
        vm.prank(address(account));
        module.rotateSessionKey(keyA, keyB);
        _addKey(keyA, _none());
        (bool onList,) = lens.getAccessListEntry(address(module), address(account), keyA, address(target));
        assertFalse(onList);
        assertEq(_info(keyA).nativeTokenSpend.limit, 0);
        (onList,) = lens.getAccessListEntry(address(module), address(account), keyB, address(target));
        assertTrue(onList);
        assertEq(_info(keyB).nativeTokenSpend.limit, 5 ether);
    }

    // ---------------------------------------------------------------- update: partial

    struct Snapshot {
        ISessionKeyLens.SessionKeyInfo info;
        bool targetOnList;
        bool targetChecks;
        bool fooListed;
        bool tokenOnList;
        bool tokenChecks;
        ISessionKeyLens.SpendLimitStatus erc20;
    }

    function _snap() internal view returns (Snapshot memory s) {
        s.info = _info(keyA);
        (s.targetOnList, s.targetChecks) = lens.getAccessListEntry(address(module), address(account), keyA, address(target));
        s.fooListed = lens.isSelectorOnAccessList(address(module), address(account), keyA, address(target), FOO);
        (s.tokenOnList, s.tokenChecks) = lens.getAccessListEntry(address(module), address(account), keyA, address(token));
        s.erc20 = lens.getErc20SpendLimit(address(module), address(account), keyA, address(token));
    }

    function _fullKey() internal {
        bytes[] memory updates = new bytes[](10);
        updates[0] = _listType(AccessListType.DENYLIST);
        updates[1] = _entry(address(target), true, true);
        updates[2] = _fn(address(target), FOO, true);
        updates[3] = _entry(address(token), false, true); // not listed: allowed under the denylist
        updates[4] = _erc20Limit(address(token), 100e6, WEEK);
        updates[5] = _timeRange(block.timestamp - 10, block.timestamp + 1000);
        updates[6] = _nativeLimit(1 ether, DAY);
        updates[7] = _gasLimit(2 ether, DAY);
        updates[8] = _paymaster(paymasterAddr);
        updates[9] = _anchor(3 hours);
        _addKey(keyA, updates);
        // Some spend, so that counters are visible too (sponsored by the required paymaster: no gas counted).
        PackedUserOperation memory op = _sessionOp(_transferCall(recipient, 10e6));
        op.paymasterAndData = abi.encodePacked(paymasterAddr);
        op.signature = _signSession(op, keyAPk, block.timestamp);
        uint256 week = _periodStart(block.timestamp, 3 hours, WEEK);
        // Direct validation (charges 10e6): window = key range within the week.
        assertEq(_run(op), _vd(false, block.timestamp - 11, block.timestamp + 1000));
        assertLt(week, block.timestamp - 10);
    }

    function _assertOnlyChanged(bytes memory update, Snapshot memory expected) internal {
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyPermissionsUpdated(address(account), keyA, TAG, update);
        _update(keyA, _one(update));
        assertEq(abi.encode(_snap()), abi.encode(expected));
    }

    function test_fullKey_snapshot() public {
        _fullKey();
        Snapshot memory s = _snap();
        assertEq(uint8(s.info.accessListType), uint8(AccessListType.DENYLIST));
        assertTrue(s.targetOnList && s.targetChecks && s.fooListed && s.tokenChecks);
        assertFalse(s.tokenOnList);
        assertEq(s.erc20.used, 10e6);
        assertEq(s.info.requiredPaymaster, paymasterAddr);
        assertEq(s.info.refreshAnchor, 3 hours);
        uint256 day = _periodStart(block.timestamp, 3 hours, DAY);
        _assertStatus(s.info.nativeTokenSpend, true, 1 ether, 0, 1 ether, DAY, day, day + DAY);
        _assertStatus(s.info.gasSpend, true, 2 ether, 0, 2 ether, DAY, day, day + DAY);
        uint256 week = _periodStart(block.timestamp, 3 hours, WEEK);
        _assertStatus(s.erc20, true, 100e6, 10e6, 90e6, WEEK, week, week + WEEK);
    }

    function test_partialUpdate_listType() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.accessListType = AccessListType.ALLOW_ALL;
        _assertOnlyChanged(_listType(AccessListType.ALLOW_ALL), s);
    }

    function test_partialUpdate_addressEntry() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.targetChecks = false;
        _assertOnlyChanged(_entry(address(target), true, false), s);
    }

    function test_partialUpdate_functionEntry() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.fooListed = false;
        _assertOnlyChanged(_fn(address(target), FOO, false), s);
    }

    function test_partialUpdate_timeRange() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.validFrom = 0;
        s.info.validUntil = 99;
        _assertOnlyChanged(_timeRange(0, 99), s);
    }

    function test_partialUpdate_nativeLimit() public {
        _fullKey();
        Snapshot memory s = _snap();
        uint256 week = _periodStart(block.timestamp, 3 hours, WEEK);
        s.info.nativeTokenSpend = ISessionKeyLens.SpendLimitStatus(
            true, 3 ether, 0, 3 ether, uint48(WEEK), uint48(week), uint48(week + WEEK)
        );
        _assertOnlyChanged(_nativeLimit(3 ether, WEEK), s);
    }

    function test_partialUpdate_removeNativeLimit() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.nativeTokenSpend.hasLimit = false;
        _assertOnlyChanged(_noNativeLimit(), s);
    }

    function test_partialUpdate_erc20Limit() public {
        _fullKey();
        Snapshot memory s = _snap();
        uint256 day = _periodStart(block.timestamp, 3 hours, DAY);
        // The 10e6 spent this week may have been spent today: the new daily period keeps them (the conservative
        // reading; a daily limit must never be exceeded in a day).
        s.erc20 = ISessionKeyLens.SpendLimitStatus(true, 50e6, 10e6, 40e6, uint48(DAY), uint48(day), uint48(day + DAY));
        _assertOnlyChanged(_erc20Limit(address(token), 50e6, DAY), s);
    }

    function test_partialUpdate_removeErc20Limit() public {
        _fullKey();
        Snapshot memory s = _snap();
        // The budget is kept as it was (setting a limit again continues from it), only no longer enforced.
        s.erc20.hasLimit = false;
        _assertOnlyChanged(_removeErc20Limit(address(token)), s);
    }

    function test_partialUpdate_gasLimit() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.gasSpend = ISessionKeyLens.SpendLimitStatus(true, 5 ether, 0, 5 ether, 0, 0, 0);
        _assertOnlyChanged(_gasLimit(5 ether, 0), s);
    }

    function test_partialUpdate_removeGasLimit() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.gasSpend.hasLimit = false;
        _assertOnlyChanged(_noGasLimit(), s);
    }

    function test_partialUpdate_paymaster() public {
        _fullKey();
        Snapshot memory s = _snap();
        s.info.requiredPaymaster = address(0xBEEF);
        _assertOnlyChanged(_paymaster(address(0xBEEF)), s);
    }

    function test_partialUpdate_anchor() public {
        _fullKey();
        Snapshot memory s = _snap();
        uint256 anchor = block.timestamp - 1;
        s.info.refreshAnchor = uint48(anchor);
        // Every budget keeps the period it is in, and what was spent in it, until that period ends by its own clock:
        // moving the anchor never opens a period early (the statuses are unchanged).
        _assertOnlyChanged(_anchor(anchor), s);
    }

    function test_partialUpdate_emptyListChangesNothing() public {
        _fullKey();
        Snapshot memory s = _snap();
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.SessionKeyPermissionsUpdated(address(account), keyA, TAG, "");
        _update(keyA, _none());
        assertEq(abi.encode(_snap()), abi.encode(s));
    }

    function test_partialUpdate_keepsSpendCounters() public {
        _fullKey();
        _update(
            keyA,
            _updates(_timeRange(0, 0), _listType(AccessListType.ALLOWLIST), _erc20Limit(address(token), 200e6, WEEK))
        );
        assertEq(_erc20Status(keyA).used, 10e6);
        assertEq(_erc20Status(keyA).remaining, 190e6);
    }

    function test_update_unknownKeyRefused() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, keyA));
        module.updateKeyPermissions(keyA, _one(_timeRange(0, 0)));
    }

    // ---------------------------------------------------------------- revoke all

    function test_revokeAll() public {
        _addKeyWithGas(keyA, _one(_allowTarget(address(target))));
        _addKeyWithGas(keyB, _one(_allowTarget(address(target))));
        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 1);
        vm.prank(address(account));
        module.revokeAllSessionKeys();

        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyB));
        assertTrue(module.isInitialized(address(account)));
        assertEq(_run(_signedOp(_call(address(target), 0, ""), keyAPk, block.timestamp)), 1);
        assertEq(_run(_signedOp(_call(address(target), 0, ""), keyBPk, block.timestamp)), 1);

        // Keys can be added again, from defaults.
        _addKey(keyA, _none());
        (bool onList,) = lens.getAccessListEntry(address(module), address(account), keyA, address(target));
        assertFalse(onList);
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 1);

        vm.expectEmit(true, true, true, true, address(module));
        emit ISessionKeyModule.AllSessionKeysRevoked(address(account), 2);
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
    }

    function _revokeGas() internal returns (uint256 used) {
        vm.prank(address(account));
        uint256 before = gasleft();
        module.revokeAllSessionKeys();
        used = before - gasleft();
    }

    function test_revokeAll_costDoesNotDependOnKeyCount() public {
        // Same starting state for both measurements: a generation > 0 and warm-free calls.
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        _addKey(keyA, _none());
        uint256 withOne = _revokeGas();
        for (uint256 i; i < 40; ++i) {
            _addKey(address(uint160(0x1000 + i)), _none());
        }
        uint256 withForty = _revokeGas();
        assertEq(withForty, withOne);
    }

    function test_revokeAll_onlyThisAccount() public {
        _addKey(keyA, _none());
        address other = address(factory.createAccount(owner, 5));
        vm.prank(other);
        module.onInstall("");
        vm.prank(other);
        module.addSessionKey(keyA, TAG, _none());
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        assertTrue(lens.isSessionKeyOf(address(module), other, keyA));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), keyA));
    }
}
