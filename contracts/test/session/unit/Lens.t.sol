// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev The lens reads a key's whole state in one call, from the module's storage alone: every contract its
/// permissions named (in order), every function entry (inline and in their own slots), every budget.
contract LensTest is UnitBase {
    function _state(address key) internal view returns (ISessionKeyLens.SessionKeyState memory) {
        return lens.getSessionKey(address(module), address(account), key);
    }

    function _selectorsOf(ISessionKeyLens.TargetRule memory rule) internal pure returns (bytes4[] memory) {
        return rule.selectors;
    }

    function _sel(uint256 i) internal pure returns (bytes4) {
        return bytes4(keccak256(abi.encode("fn", i)));
    }

    function test_everythingAboutAKey_inOneCall() public {
        address paymaster = makeAddr("paymaster");
        bytes[] memory updates = new bytes[](10);
        updates[0] = _allowTargetWithSelectors(address(token));
        updates[1] = _allowSelector(address(token), TRANSFER);
        updates[2] = _erc20Limit(address(token), 100e6, WEEK);
        updates[3] = _allowTarget(address(target));
        updates[4] = _timeRange(block.timestamp - 1 hours, block.timestamp + 30 days);
        updates[5] = _nativeLimit(1 ether, DAY);
        updates[6] = _gasLimit(10 * DEFAULT_OP_COST, DAY);
        updates[7] = _paymaster(paymaster);
        updates[8] = abi.encodeCall(Updates.setCallLimit, (20, uint48(DAY)));
        updates[9] = _anchor(block.timestamp - 2 hours);
        vm.prank(address(account));
        module.addSessionKey(sessionKey, "agent", updates);

        ISessionKeyLens.SessionKeyState memory s = _state(sessionKey);
        assertEq(s.sessionKey, sessionKey);
        assertEq(s.info.tag, bytes32("agent"));
        assertEq(s.info.validFrom, block.timestamp - 1 hours);
        assertEq(s.info.validUntil, block.timestamp + 30 days);
        assertEq(uint256(s.info.accessListType), uint256(AccessListType.ALLOWLIST));
        assertEq(s.info.refreshAnchor, block.timestamp - 2 hours);
        assertEq(s.info.requiredPaymaster, paymaster);
        assertEq(s.info.nativeTokenSpend.limit, 1 ether);
        assertEq(s.info.gasSpend.limit, 10 * DEFAULT_OP_COST);
        assertEq(s.calls.limit, 20);
        assertEq(s.calls.refreshInterval, DAY);
        // The contracts, in the order first named, with their entries and budgets.
        assertEq(s.targets.length, 2);
        assertEq(s.targets[0].target, address(token));
        assertTrue(s.targets[0].isOnList && s.targets[0].checkSelectors);
        assertEq(s.targets[0].selectors.length, 1);
        assertEq(s.targets[0].selectors[0], TRANSFER);
        _assertStatusEq(s.targets[0].erc20Spend, _erc20Status(sessionKey), "token budget");
        assertEq(s.targets[0].erc20Spend.limit, 100e6);
        assertEq(s.targets[1].target, address(target));
        assertTrue(s.targets[1].isOnList && !s.targets[1].checkSelectors);
        assertEq(s.targets[1].selectors.length, 0);
        assertFalse(s.targets[1].erc20Spend.hasLimit);
        // The same as the per-aspect reads.
        _assertStatusEq(s.info.gasSpend, _info(sessionKey).gasSpend, "gas");
    }

    function test_spendIsReadBack() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(token)),
                _erc20Limit(address(token), 100e6, 0),
                abi.encodeCall(Updates.setCallLimit, (5, uint48(0)))
            )
        );
        _sendSession(_transferCall(recipient, 30e6));
        ISessionKeyLens.SessionKeyState memory s = _state(sessionKey);
        assertEq(s.targets[0].erc20Spend.used, 30e6);
        assertEq(s.targets[0].erc20Spend.remaining, 70e6);
        assertEq(s.calls.used, 1);
        assertEq(s.calls.remaining, 4);
    }

    function test_functionEntriesBeyondTheInlineOnes_areListed_andRemovalsKeepTheListExact() public {
        bytes[] memory updates = new bytes[](10);
        updates[0] = _allowTargetWithSelectors(address(target));
        for (uint256 i; i < 9; ++i) {
            updates[1 + i] = _allowSelector(address(target), _sel(i)); // six inline, three in their own slots
        }
        _addKeyWithGas(sessionKey, updates);
        bytes4[] memory sels = _state(sessionKey).targets[0].selectors;
        assertEq(sels.length, 9);
        for (uint256 i; i < 9; ++i) {
            assertEq(sels[i], _sel(i));
        }
        // Removing one kept in its own slot: the last takes its place.
        _update(sessionKey, _one(_fn(address(target), _sel(6), false)));
        sels = _state(sessionKey).targets[0].selectors;
        assertEq(sels.length, 8);
        assertEq(sels[6], _sel(8));
        assertEq(sels[7], _sel(7));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(6)));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(8)));
        // And an inline one.
        _update(sessionKey, _one(_fn(address(target), _sel(0), false)));
        sels = _state(sessionKey).targets[0].selectors;
        assertEq(sels.length, 7);
        for (uint256 i; i < sels.length; ++i) {
            assertTrue(sels[i] != _sel(0) && sels[i] != _sel(6), "removed entries are gone");
        }
        // The calls follow the list.
        _expectRunRevert(
            _call(address(target), 0, abi.encodePacked(_sel(6))),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(6))
        );
        _sendSession(_call(address(target), 0, abi.encodePacked(_sel(8))));
    }

    function test_aTokenLimitedLater_keepsItsFunctionEntries_andItsPlace() public {
        bytes[] memory updates = new bytes[](4);
        updates[0] = _allowTargetWithSelectors(address(target));
        updates[1] = _allowTargetWithSelectors(address(token));
        updates[2] = _allowSelector(address(token), APPROVE);
        updates[3] = _allowSelector(address(token), _sel(1));
        _addKeyWithGas(sessionKey, updates);
        // The token's entry switches to the budget layout: its inline entry moves to its own slot.
        _update(sessionKey, _one(_erc20Limit(address(token), 50e6, DAY)));
        ISessionKeyLens.SessionKeyState memory s = _state(sessionKey);
        assertEq(s.targets.length, 2);
        assertEq(s.targets[1].target, address(token));
        assertEq(s.targets[1].selectors.length, 2);
        assertEq(s.targets[1].selectors[0], APPROVE);
        assertEq(s.targets[1].selectors[1], _sel(1));
        assertEq(s.targets[1].erc20Spend.limit, 50e6);
        assertEq(s.targets[0].target, address(target));
    }

    function test_aContractTakenOffTheList_staysEnumeratedWithItsEntry() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _allowTarget(address(target2))));
        _update(sessionKey, _one(_entry(address(target), false, false)));
        ISessionKeyLens.SessionKeyState memory s = _state(sessionKey);
        assertEq(s.targets.length, 2);
        assertFalse(s.targets[0].isOnList);
        assertTrue(s.targets[1].isOnList);
        // Naming it again does not list it twice.
        _update(sessionKey, _one(_allowTarget(address(target))));
        assertEq(_state(sessionKey).targets.length, 2);
    }

    function test_everyKey_afterRemovalAndRotation() public {
        (address a,) = makeAddrAndKey("a");
        (address b,) = makeAddrAndKey("b");
        (address c,) = makeAddrAndKey("c");
        _addKeyWithGas(a, _one(_allowTarget(address(target))));
        _addKeyWithGas(b, _updates(_allowTarget(address(target2)), _allowTarget(address(token))));
        _addKeyWithGas(c, _one(_allowTarget(address(token))));
        vm.prank(address(account));
        module.removeSessionKey(a); // c takes a's place in the key list, with its target count
        vm.prank(address(account));
        module.rotateSessionKey(b, sessionKey);
        ISessionKeyLens.SessionKeyState[] memory all = lens.getSessionKeys(address(module), address(account));
        assertEq(all.length, 2);
        assertEq(all[0].sessionKey, c);
        assertEq(all[0].targets.length, 1);
        assertEq(all[0].targets[0].target, address(token));
        assertEq(all[1].sessionKey, sessionKey);
        assertEq(all[1].targets.length, 2);
        assertEq(all[1].targets[0].target, address(target2));
        // After revoke-all, nothing.
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        assertEq(lens.getSessionKeys(address(module), address(account)).length, 0);
    }

    function test_unknownKey_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, sessionKey));
        lens.getSessionKey(address(module), address(account), sessionKey);
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyNotFound.selector, sessionKey));
        lens.getCallLimit(address(module), address(account), sessionKey);
    }
}
