// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Reads: enumeration (swap-and-pop), membership, info with spend computed at block.timestamp, entries.
contract ReadsTest is UnitBase {
    address internal A = makeAddr("A");
    address internal B = makeAddr("B");
    address internal C = makeAddr("C");
    address internal D = makeAddr("D");
    address internal E = makeAddr("E");
    address internal F = makeAddr("F");

    function _keys(address k0) internal pure returns (address[] memory r) {
        r = new address[](1);
        r[0] = k0;
    }

    function _keys(address k0, address k1) internal pure returns (address[] memory r) {
        r = new address[](2);
        (r[0], r[1]) = (k0, k1);
    }

    function _keys(address k0, address k1, address k2) internal pure returns (address[] memory r) {
        r = new address[](3);
        (r[0], r[1], r[2]) = (k0, k1, k2);
    }

    function _keys(address k0, address k1, address k2, address k3) internal pure returns (address[] memory r) {
        r = new address[](4);
        (r[0], r[1], r[2], r[3]) = (k0, k1, k2, k3);
    }

    function _remove(address key) internal {
        vm.prank(address(account));
        module.removeSessionKey(key);
    }

    function _rotate(address from, address to) internal {
        vm.prank(address(account));
        module.rotateSessionKey(from, to);
    }

    function _assertKeys(address[] memory expected) internal view {
        assertEq(lens.sessionKeysOf(address(module), address(account)), expected);
        for (uint256 i; i < expected.length; ++i) {
            assertTrue(lens.isSessionKeyOf(address(module), address(account), expected[i]));
        }
    }

    function test_enumeration_swapAndPop() public {
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        _addKey(A, _none());
        _addKey(B, _none());
        _addKey(C, _none());
        _addKey(D, _none());
        _assertKeys(_keys(A, B, C, D));

        _remove(B); // the last key (D) takes B's place
        _assertKeys(_keys(A, D, C));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), B));

        _rotate(D, E); // in place
        _assertKeys(_keys(A, E, C));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), D));

        _remove(C); // the last one: nothing moves
        _assertKeys(_keys(A, E));

        _remove(A);
        _assertKeys(_keys(E));

        _addKey(F, _none());
        _addKey(B, _none());
        _assertKeys(_keys(E, F, B));

        // The moved keys still have their own records: removing them works and does not disturb the others.
        _remove(E);
        _assertKeys(_keys(B, F));
        _remove(B);
        _remove(F);
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
    }

    function test_enumeration_movedKeyKeepsItsPermissions() public {
        _addKey(A, _one(_allowTarget(address(target))));
        _addKey(B, _none());
        _addKey(C, _one(_nativeLimit(7 ether, 0)));
        _remove(A); // C moves to index 0
        _assertKeys(_keys(C, B));
        assertEq(_info(C).nativeTokenSpend.limit, 7 ether);
        // Rotating the moved key updates the right list slot.
        _rotate(C, D);
        _assertKeys(_keys(D, B));
        assertEq(_info(D).nativeTokenSpend.limit, 7 ether);
    }

    function test_isSessionKeyOf_perAccount() public {
        _addKey(A, _none());
        address other = address(factory.createAccount(owner, 3));
        assertTrue(lens.isSessionKeyOf(address(module), address(account), A));
        assertFalse(lens.isSessionKeyOf(address(module), other, A));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), B));
        assertFalse(lens.isSessionKeyOf(address(module), address(account), address(0)));
        assertEq(lens.sessionKeysOf(address(module), other).length, 0);
    }

    function test_viewsOfUnknownKeyRevert() public {
        bytes memory notFound = abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, A);
        vm.expectRevert(notFound);
        lens.getSessionKeyInfo(address(module), address(account), A);
        vm.expectRevert(notFound);
        lens.getAccessListEntry(address(module), address(account), A, address(target));
        vm.expectRevert(notFound);
        lens.isSelectorOnAccessList(address(module), address(account), A, address(target), TRANSFER);
        vm.expectRevert(notFound);
        lens.getErc20SpendLimit(address(module), address(account), A, address(token));
    }

    function test_getAccessListEntry_andSelectors() public {
        _addKey(
            A,
            _updates(
                _entry(address(target), true, true),
                _fn(address(target), TRANSFER, true),
                _entry(address(target2), true, false),
                _fn(address(token), APPROVE, true)
            )
        );
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), A, address(target));
        assertTrue(onList);
        assertTrue(checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), A, address(target2));
        assertTrue(onList);
        assertFalse(checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), A, address(token));
        assertFalse(onList);
        assertFalse(checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), A, makeAddr("nothing"));
        assertFalse(onList);
        assertFalse(checks);
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), A, address(target), TRANSFER));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), A, address(target), APPROVE));
        // The view reports function entries whether or not the contract entry checks them.
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), A, address(token), APPROVE));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), A, address(target2), TRANSFER));
    }

    function test_info_spendComputedAtBlockTimestamp() public {
        uint256 anchor = 1 hours;
        _addKey(
            sessionKey,
            _updates(
                _listType(AccessListType.ALLOW_ALL),
                _nativeLimit(1 ether, DAY),
                _gasLimit(1 ether, WEEK),
                _anchor(anchor)
            )
        );
        _sendSession(_call(recipient, 0.3 ether, ""));
        uint256 day = _periodStart(block.timestamp, anchor, DAY);
        uint256 week = _periodStart(block.timestamp, anchor, WEEK);
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.refreshAnchor, anchor);
        _assertStatus(info.nativeTokenSpend, true, 1 ether, 0.3 ether, 0.7 ether, DAY, day, day + DAY);
        _assertStatus(info.gasSpend, true, 1 ether, DEFAULT_OP_COST, 1 ether - DEFAULT_OP_COST, WEEK, week, week + WEEK);

        // One second before the day ends: unchanged.
        vm.warp(day + DAY - 1);
        info = _info(sessionKey);
        _assertStatus(info.nativeTokenSpend, true, 1 ether, 0.3 ether, 0.7 ether, DAY, day, day + DAY);

        // Next day: the native budget reads as fresh, the weekly gas budget still holds.
        vm.warp(day + DAY);
        info = _info(sessionKey);
        _assertStatus(info.nativeTokenSpend, true, 1 ether, 0, 1 ether, DAY, day + DAY, day + 2 * DAY);
        assertLt(day + DAY, week + WEEK);
        _assertStatus(info.gasSpend, true, 1 ether, DEFAULT_OP_COST, 1 ether - DEFAULT_OP_COST, WEEK, week, week + WEEK);

        // After the week: both fresh.
        vm.warp(week + WEEK);
        info = _info(sessionKey);
        uint256 day2 = _periodStart(block.timestamp, anchor, DAY);
        _assertStatus(info.nativeTokenSpend, true, 1 ether, 0, 1 ether, DAY, day2, day2 + DAY);
        _assertStatus(info.gasSpend, true, 1 ether, 0, 1 ether, WEEK, week + WEEK, week + 2 * WEEK);
    }

    function test_getErc20SpendLimit_refreshing() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 100e6, DAY)));
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        _assertStatus(_erc20Status(sessionKey), true, 100e6, 0, 100e6, DAY, day, day + DAY);
        _sendSession(_transferCall(recipient, 25e6));
        _assertStatus(_erc20Status(sessionKey), true, 100e6, 25e6, 75e6, DAY, day, day + DAY);
        vm.warp(day + 5 * DAY + 7);
        _assertStatus(_erc20Status(sessionKey), true, 100e6, 0, 100e6, DAY, day + 5 * DAY, day + 6 * DAY);
    }

    function test_getErc20SpendLimit_otherTokenHasNone() public {
        _addKey(sessionKey, _one(_erc20Limit(address(token), 100e6, 0)));
        _assertStatus(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(target)), false, 0, 0, 0, 0, 0, 0);
        _assertStatus(_erc20Status(sessionKey), true, 100e6, 0, 100e6, 0, 0, 0);
    }

    function test_isInitialized() public {
        assertTrue(module.isInitialized(address(account)));
        assertFalse(module.isInitialized(address(factory.createAccount(owner, 4))));
        assertFalse(module.isInitialized(address(this)));
    }
}
