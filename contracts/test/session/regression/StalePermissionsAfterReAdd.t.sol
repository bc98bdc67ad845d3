// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: permissions, entries or spend counters of a removed key (or of every key, after uninstall,
/// revoke-all) coming back when the key is added again. Every path must give defaults and fresh counters.
contract StalePermissionsAfterReAddTest is UnitBase {
    uint256 internal constant LIMIT = 100e6;

    function _sel(uint256 i) internal pure returns (bytes4) {
        return bytes4(keccak256(abi.encode("stale", i)));
    }

    /// @dev Gives the key everything (including overflow selectors kept in a mapping) and spends its budgets.
    function _configureAndSpend() internal {
        bytes[] memory updates = new bytes[](17);
        updates[0] = _allowTarget(address(token));
        updates[1] = _erc20Limit(address(token), LIMIT, 0);
        updates[2] = _entry(address(target), true, true);
        for (uint256 i; i < 8; ++i) {
            updates[3 + i] = _fn(address(target), _sel(i), true);
        }
        updates[11] = _nativeLimit(1 ether, 0);
        updates[12] = _noGasLimit();
        updates[13] = _timeRange(1, block.timestamp + 1000);
        updates[14] = _anchor(777);
        updates[15] = _paymaster(address(0));
        updates[16] = _entry(address(target2), true, false);
        _addKey(sessionKey, updates);
        _sendSession(_transferCall(recipient, LIMIT));
        _sendSession(_call(address(target), 1 ether, abi.encodePacked(_sel(7))));
        assertEq(_erc20Status(sessionKey).used, LIMIT);
        assertEq(_info(sessionKey).nativeTokenSpend.used, 1 ether);
    }

    function _assertDefaults() internal {
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 1);
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.validFrom, 0);
        assertEq(info.validUntil, 0);
        assertEq(uint8(info.accessListType), uint8(AccessListType.ALLOWLIST));
        assertEq(info.refreshAnchor, 0);
        _assertStatus(info.nativeTokenSpend, true, 0, 0, 0, 0, 0, 0);
        _assertStatus(info.gasSpend, true, 0, 0, 0, 0, 0, 0);
        _assertStatus(_erc20Status(sessionKey), false, 0, 0, 0, 0, 0, 0);
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertFalse(onList || checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target2));
        assertFalse(onList || checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(token));
        assertFalse(onList || checks);
        for (uint256 i; i < 8; ++i) {
            assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(i)));
        }
        // It can do nothing.
        _expectRunRevert(
            _transferCall(recipient, 1),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token))
        );
    }

    /// @dev Re-granting the same limits gives full fresh budgets, and overflow selector entries do not resurface.
    function _assertFreshCounters() internal {
        bytes[] memory updates = new bytes[](5);
        updates[0] = _allowTarget(address(token));
        updates[1] = _erc20Limit(address(token), LIMIT, 0);
        updates[2] = _entry(address(target), true, true);
        updates[3] = _nativeLimit(1 ether, 0);
        updates[4] = _noGasLimit();
        _update(sessionKey, updates);
        _expectRunRevert(
            _call(address(target), 0, abi.encodePacked(_sel(7))),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(7))
        );
        _sendSession(_transferCall(recipient, LIMIT));
        assertEq(token.balanceOf(recipient), 2 * LIMIT);
        _update(sessionKey, _one(_fn(address(target), _sel(0), true)));
        _sendSession(_call(address(target), 1 ether, abi.encodePacked(_sel(0))));
        assertEq(target.received(), 2 ether);
    }

    function test_removeThenReAdd_startsFromDefaults() public {
        _configureAndSpend();
        vm.prank(address(account));
        module.removeSessionKey(sessionKey);
        _addKey(sessionKey, _none());
        _assertDefaults();
        _assertFreshCounters();
    }

    function test_uninstallThenReinstall_startsFromDefaults() public {
        _configureAndSpend();
        vm.startPrank(address(account));
        account.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
        account.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
        vm.stopPrank();
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 0);
        assertFalse(lens.isSessionKeyOf(address(module), address(account), sessionKey));
        _addKey(sessionKey, _none());
        _assertDefaults();
        _assertFreshCounters();
    }

    function test_revokeAllThenReAdd_startsFromDefaults() public {
        _configureAndSpend();
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        _addKey(sessionKey, _none());
        _assertDefaults();
        _assertFreshCounters();
    }

    function test_rotateAwayThenReAdd_startsFromDefaults() public {
        _configureAndSpend();
        address next = makeAddr("next");
        vm.prank(address(account));
        module.rotateSessionKey(sessionKey, next);
        _addKey(sessionKey, _none());
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 2);
        // The rotated key kept everything.
        assertEq(_erc20Status(next).used, LIMIT);
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), next, address(target), _sel(7)));
        // The re-added one has nothing.
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.nativeTokenSpend.used, 0);
        assertEq(info.nativeTokenSpend.limit, 0);
        _assertStatus(_erc20Status(sessionKey), false, 0, 0, 0, 0, 0, 0);
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(7)));
    }

    function test_oldSignatureOfRemovedKey_neverValidatesAfterReAdd_withoutNewPermissions() public {
        _configureAndSpend();
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 1), sessionKeyPk, block.timestamp);
        vm.prank(address(account));
        module.removeSessionKey(sessionKey);
        assertEq(_run(op), 1);
        _addKey(sessionKey, _none());
        _expectValidateRevert(op, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token)));
    }
}
