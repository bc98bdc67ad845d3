// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev The access control permission: allowlist, denylist, allow-all; contract and function entries.
contract AccessListTest is UnitBase {
    bytes4 internal constant FOO = 0x12345678;
    bytes4 internal constant BAR = 0x87654321;

    function _sel(uint256 i) internal pure returns (bytes4) {
        return bytes4(keccak256(abi.encode("selector", i)));
    }

    function _callSel(address to, bytes4 selector) internal pure returns (bytes memory) {
        return _call(to, 0, abi.encodePacked(selector, uint256(42)));
    }

    function _addListKey(bytes[] memory updates) internal {
        _addKeyWithGas(sessionKey, updates);
    }

    // ---------------------------------------------------------------- allowlist

    function test_newKey_allowlistIsEmpty_callsNothing() public {
        _addListKey(_none());
        assertEq(uint8(_info(sessionKey).accessListType), uint8(AccessListType.ALLOWLIST));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target))
        );
        _expectRunRevert(
            _call(address(token), 0, abi.encodeCall(token.transfer, (recipient, 1))),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token))
        );
    }

    function test_allowlist_contractEntryWithoutSelectors_allowsEveryFunction() public {
        _addListKey(_one(_allowTarget(address(target))));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
        assertEq(_runCall(_call(address(target), 0, "")), 0);
        // Other contracts stay refused.
        _expectRunRevert(
            _callSel(address(target2), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2))
        );
    }

    function test_allowlist_selectorCheck() public {
        _addListKey(_updates(_allowTargetWithSelectors(address(target)), _allowSelector(address(target), FOO)));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        _expectRunRevert(
            _callSel(address(target), BAR),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), BAR)
        );
        // Empty calldata has the selector 0x00000000, which is not listed.
        _expectRunRevert(
            _call(address(target), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), bytes4(0))
        );
        // So has calldata shorter than 4 bytes, even if it starts like FOO.
        _expectRunRevert(
            _call(address(target), 0, hex"123456"),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), bytes4(0))
        );
    }

    function test_allowlist_zeroSelectorEntry_allowsEmptyAndShortCalldata() public {
        _addListKey(_updates(_allowTargetWithSelectors(address(target)), _allowSelector(address(target), bytes4(0))));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), bytes4(0)));
        assertEq(_runCall(_call(address(target), 0, "")), 0);
        assertEq(_runCall(_call(address(target), 0, hex"ab")), 0);
        assertEq(_runCall(_call(address(target), 0, hex"00000000ff")), 0);
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), FOO)
        );
        // End to end: the plain call runs.
        _sendSession(_call(address(target), 0, ""));
        assertEq(target.calls(), 1);
        assertEq(target.lastDataLength(), 0);
    }

    function test_allowlist_selectorEntriesIgnoredWhenNotChecking() public {
        // Function entries exist but the contract entry does not check selectors.
        _addListKey(_updates(_allowTarget(address(target)), _allowSelector(address(target), FOO)));
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertTrue(onList);
        assertFalse(checks);
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
        // Turning the check on applies the kept entries.
        _update(sessionKey, _one(_allowTargetWithSelectors(address(target))));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        _expectRunRevert(
            _callSel(address(target), BAR),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), BAR)
        );
    }

    function test_allowlist_selectorEntriesWithoutContractEntry_doNotAllow() public {
        _addListKey(_one(_allowSelector(address(target), FOO)));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), FOO));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target))
        );
    }

    function test_allowlist_removingContractEntry_keepsFunctionEntries() public {
        _addListKey(_updates(_allowTargetWithSelectors(address(target)), _allowSelector(address(target), FOO)));
        _update(sessionKey, _one(_entry(address(target), false, false)));
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertFalse(onList);
        assertFalse(checks);
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), FOO));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target))
        );
        // Re-listing with the selector check brings the same function entries back.
        _update(sessionKey, _one(_allowTargetWithSelectors(address(target))));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        _expectRunRevert(
            _callSel(address(target), BAR),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), BAR)
        );
    }

    function test_allowlist_removeSelector() public {
        _addListKey(
            _updates(
                _allowTargetWithSelectors(address(target)),
                _allowSelector(address(target), FOO),
                _allowSelector(address(target), BAR)
            )
        );
        _update(sessionKey, _one(_fn(address(target), FOO, false)));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), FOO));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), BAR));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), FOO)
        );
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
        // Removing an absent selector changes nothing.
        _update(sessionKey, _one(_fn(address(target), FOO, false)));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), BAR));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), FOO));
    }

    function test_allowlist_addingASelectorTwice_isOneEntry() public {
        _addListKey(
            _updates(
                _allowTargetWithSelectors(address(target)),
                _allowSelector(address(target), FOO),
                _allowSelector(address(target), FOO)
            )
        );
        _update(sessionKey, _one(_fn(address(target), FOO, false)));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), FOO));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), FOO)
        );
    }

    /// @dev Six selectors are stored inline in the access entry, more go to a mapping: every path must agree.
    function test_allowlist_moreThanSixSelectors() public {
        bytes[] memory updates = new bytes[](9);
        updates[0] = _allowTargetWithSelectors(address(target));
        for (uint256 i = 1; i <= 8; ++i) {
            updates[i] = _allowSelector(address(target), _sel(i));
        }
        _addListKey(updates);
        for (uint256 i = 1; i <= 8; ++i) {
            assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(i)));
            assertEq(_runCall(_callSel(address(target), _sel(i))), 0);
        }
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(9)));
        _expectRunRevert(
            _callSel(address(target), _sel(9)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(9))
        );

        // Remove an inline one (2nd), an overflow one (7th), add the 9th, add an overflow one again (8th).
        _update(
            sessionKey,
            _updates(
                _fn(address(target), _sel(2), false),
                _fn(address(target), _sel(7), false),
                _allowSelector(address(target), _sel(9)),
                _allowSelector(address(target), _sel(8))
            )
        );
        for (uint256 i = 1; i <= 9; ++i) {
            bool expected = i != 2 && i != 7;
            assertEq(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(i)), expected);
            if (expected) {
                assertEq(_runCall(_callSel(address(target), _sel(i))), 0);
            } else {
                _expectRunRevert(
                    _callSel(address(target), _sel(i)),
                    abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(i))
                );
            }
        }

        // Remove the overflow entry 8 (added twice: one removal takes it off), re-add 7.
        _update(sessionKey, _updates(_fn(address(target), _sel(8), false), _allowSelector(address(target), _sel(7))));
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(8)));
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(7)));
        _expectRunRevert(
            _callSel(address(target), _sel(8)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(8))
        );
        assertEq(_runCall(_callSel(address(target), _sel(7))), 0);

        // Remove everything: nothing is allowed any more.
        bytes[] memory removals = new bytes[](9);
        for (uint256 i = 1; i <= 9; ++i) {
            removals[i - 1] = _fn(address(target), _sel(i), false);
        }
        _update(sessionKey, removals);
        for (uint256 i = 1; i <= 9; ++i) {
            assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), _sel(i)));
        }
        _expectRunRevert(
            _callSel(address(target), _sel(1)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), _sel(1))
        );
    }

    function test_allowlist_overflowSelectorsArePerTarget() public {
        bytes[] memory updates = new bytes[](9);
        updates[0] = _allowTargetWithSelectors(address(target));
        for (uint256 i = 1; i <= 7; ++i) {
            updates[i] = _allowSelector(address(target), _sel(i));
        }
        updates[8] = _allowTargetWithSelectors(address(target2));
        _addListKey(updates);
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target2), _sel(7)));
        _expectRunRevert(
            _callSel(address(target2), _sel(7)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target2), _sel(7))
        );
    }

    function test_allowlist_everyCallOfABatchIsChecked() public {
        _addListKey(_one(_allowTarget(address(target))));
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(target), 0, abi.encodePacked(FOO));
        calls[1] = Execution(address(target), 0, "");
        calls[2] = Execution(address(target2), 0, abi.encodePacked(FOO));
        _expectRunRevert(
            _executeBatch(calls),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2))
        );
        calls[2] = Execution(address(target), 0, abi.encodePacked(BAR));
        assertEq(_runCall(_executeBatch(calls)), 0);
        _sendSession(_executeBatch(calls));
        assertEq(target.calls(), 3);
    }

    function test_allowlist_endToEnd_refusedCallNeverRuns() public {
        _addListKey(_updates(_allowTargetWithSelectors(address(target)), _allowSelector(address(target), FOO)));
        PackedUserOperation memory op = _signedOp(_callSel(address(target), BAR), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), BAR));
        _handleOp(op);
        assertEq(target.calls(), 0);

        _sendSession(_callSel(address(target), FOO));
        assertEq(target.calls(), 1);
        assertEq(target.lastSelector(), FOO);
    }

    // ---------------------------------------------------------------- denylist

    function test_denylist_unlistedContractsAllowed() public {
        _addListKey(_one(_listType(AccessListType.DENYLIST)));
        assertEq(uint8(_info(sessionKey).accessListType), uint8(AccessListType.DENYLIST));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        assertEq(_runCall(_call(address(target2), 0, "")), 0);
    }

    function test_denylist_listedContractRefused() public {
        _addListKey(_updates(_listType(AccessListType.DENYLIST), _entry(address(target), true, false)));
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetOnDenylist.selector, address(target))
        );
        _expectRunRevert(
            _call(address(target), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.TargetOnDenylist.selector, address(target))
        );
        assertEq(_runCall(_callSel(address(target2), FOO)), 0);
    }

    function test_denylist_listedSelectorsRefused_othersAllowed() public {
        _addListKey(
            _updates(
                _listType(AccessListType.DENYLIST),
                _entry(address(target), true, true),
                _fn(address(target), FOO, true),
                _fn(address(target), bytes4(0), true)
            )
        );
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), FOO)
        );
        _expectRunRevert(
            _call(address(target), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), bytes4(0))
        );
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
    }

    function test_denylist_moreThanSixDeniedSelectors() public {
        bytes[] memory updates = new bytes[](10);
        updates[0] = _listType(AccessListType.DENYLIST);
        updates[1] = _entry(address(target), true, true);
        for (uint256 i = 1; i <= 8; ++i) {
            updates[i + 1] = _fn(address(target), _sel(i), true);
        }
        _addListKey(updates);
        for (uint256 i = 1; i <= 8; ++i) {
            _expectRunRevert(
                _callSel(address(target), _sel(i)),
                abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), _sel(i))
            );
        }
        assertEq(_runCall(_callSel(address(target), _sel(9))), 0);
    }

    function test_denylist_delistingAllowsAgain() public {
        _addListKey(_updates(_listType(AccessListType.DENYLIST), _entry(address(target), true, false)));
        _update(sessionKey, _one(_entry(address(target), false, false)));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
    }

    // ---------------------------------------------------------------- allow-all

    function test_allowAll_ignoresEntries() public {
        _addListKey(
            _updates(
                _listType(AccessListType.ALLOW_ALL),
                _entry(address(target), true, true), // would deny everything but FOO... under an allowlist
                _fn(address(target), FOO, true)
            )
        );
        assertEq(uint8(_info(sessionKey).accessListType), uint8(AccessListType.ALLOW_ALL));
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        assertEq(_runCall(_callSel(address(target2), FOO)), 0);
        assertEq(_runCall(_callSel(makeAddr("eoa"), FOO)), 0);
    }

    // ---------------------------------------------------------------- always refused targets

    function _assertAlwaysRefused() internal {
        _expectRunRevert(
            _call(address(account), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(account))
        );
        _expectRunRevert(
            _call(address(0), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(0))
        );
        _expectRunRevert(
            _call(address(module), 0, abi.encodeCall(module.revokeAllSessionKeys, ())),
            abi.encodeWithSelector(ISessionKeyModule.CallToModuleNotAllowed.selector)
        );
        address[4] memory eps = [EP_V06, EP_V07, EP_V08, EP_V09];
        for (uint256 i; i < 4; ++i) {
            _expectRunRevert(
                _call(eps[i], 0, ""), abi.encodeWithSelector(ISessionKeyModule.CallToEntryPointNotAllowed.selector)
            );
        }
    }

    function test_alwaysRefusedTargets_allowlist() public {
        _addListKey(_none());
        _assertAlwaysRefused();
    }

    function test_alwaysRefusedTargets_denylist() public {
        _addListKey(_one(_listType(AccessListType.DENYLIST)));
        _assertAlwaysRefused();
    }

    function test_alwaysRefusedTargets_allowAll() public {
        _addListKey(_one(_listType(AccessListType.ALLOW_ALL)));
        _assertAlwaysRefused();
    }

    // ---------------------------------------------------------------- switching the list type

    /// @dev Documented: entries are kept and read the new way (an allowlisted contract is denied under DENYLIST,
    /// ALLOW_ALL ignores them), and switching back restores the old meaning.
    function test_listTypeSwitch_keepsEntriesAndReinterpretsThem() public {
        _addListKey(_one(_allowTarget(address(target))));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        _expectRunRevert(
            _callSel(address(target2), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2))
        );

        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertTrue(onList);
        assertFalse(checks);
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetOnDenylist.selector, address(target))
        );
        assertEq(_runCall(_callSel(address(target2), FOO)), 0);

        _update(sessionKey, _one(_listType(AccessListType.ALLOW_ALL)));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        assertEq(_runCall(_callSel(address(target2), FOO)), 0);

        _update(sessionKey, _one(_listType(AccessListType.ALLOWLIST)));
        assertEq(_runCall(_callSel(address(target), FOO)), 0);
        _expectRunRevert(
            _callSel(address(target2), FOO),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2))
        );
    }

    function test_listTypeSwitch_selectorEntriesFlipMeaning() public {
        _addListKey(_updates(_allowTargetWithSelectors(address(target)), _allowSelector(address(target), FOO)));
        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        // FOO was the only allowed function; under a denylist it is the only denied one.
        _expectRunRevert(
            _callSel(address(target), FOO),
            abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), FOO)
        );
        assertEq(_runCall(_callSel(address(target), BAR)), 0);
    }

    function test_listTypeSwitch_doesNotTouchOtherPermissions() public {
        _addListKey(_updates(_allowTarget(address(target)), _nativeLimit(1 ether, DAY), _timeRange(5, 4 * 10 ** 9)));
        bytes memory before = abi.encode(_info(sessionKey));
        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(uint8(info.accessListType), uint8(AccessListType.DENYLIST));
        info.accessListType = AccessListType.ALLOWLIST;
        assertEq(abi.encode(info), before);
    }

    function test_entriesArePerTarget() public {
        _addListKey(
            _updates(
                _allowTargetWithSelectors(address(target)),
                _allowSelector(address(target), FOO),
                _allowTarget(address(target2))
            )
        );
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertTrue(onList && checks);
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target2));
        assertTrue(onList);
        assertFalse(checks);
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target2), FOO));
        assertEq(_runCall(_callSel(address(target2), BAR)), 0);
    }
}
