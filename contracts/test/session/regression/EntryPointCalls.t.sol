// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEntryPointStake, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a session op calling the EntryPoint (withdrawTo the account's deposit, or stake functions),
/// which no ERC-20 or native limit would meter. Refused for every canonical EntryPoint, in every list mode.
contract EntryPointCallsTest is UnitBase {
    address payable internal thief;

    function setUp() public override {
        super.setUp();
        thief = payable(makeAddr("thief"));
        entryPoint.depositTo{value: 5 ether}(address(account));
        _addKey(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _noNativeLimit(), _noGasLimit()));
    }

    function _refused() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.CallToEntryPointNotAllowed.selector);
    }

    function test_withdrawToFromTheEntryPoint_refused() public {
        uint256 deposit = entryPoint.balanceOf(address(account));
        assertEq(deposit, 5 ether);
        PackedUserOperation memory op = _signedOp(
            _call(address(entryPoint), 0, abi.encodeCall(IEntryPointStake.withdrawTo, (thief, 5 ether))),
            sessionKeyPk,
            block.timestamp
        );
        _expectAA23(0, _refused());
        _handleOp(op);
        assertEq(entryPoint.balanceOf(address(account)), deposit);
        assertEq(thief.balance, 0);
    }

    function test_withdrawTo_insideBatch_refused() public {
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(target), 0, hex"01");
        calls[1] = Execution(address(entryPoint), 0, abi.encodeCall(IEntryPointStake.withdrawTo, (thief, 1 ether)));
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        _expectAA23(0, _refused());
        _handleOp(op);
        assertEq(entryPoint.balanceOf(address(account)), 5 ether);
    }

    function test_everyEntryPointFunctionAndVersion_refused() public {
        address[4] memory eps = [EP_V06, EP_V07, EP_V08, EP_V09];
        bytes[4] memory data = [
            abi.encodeCall(IEntryPointStake.withdrawTo, (thief, 1)),
            abi.encodeCall(IEntryPointStake.depositTo, (thief)),
            abi.encodeCall(IEntryPointStake.addStake, (1)),
            bytes("")
        ];
        for (uint256 i; i < eps.length; ++i) {
            for (uint256 j; j < data.length; ++j) {
                _expectRunRevert(_call(eps[i], j == 1 ? 1 ether : 0, data[j]), _refused());
            }
        }
    }

    function test_entryPointRefusedInAllowlistAndDenylist() public {
        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        _expectRunRevert(_call(EP_V08, 0, abi.encodeCall(IEntryPointStake.withdrawTo, (thief, 1))), _refused());
        _update(sessionKey, _one(_listType(AccessListType.ALLOWLIST)));
        _expectRunRevert(_call(EP_V08, 0, abi.encodeCall(IEntryPointStake.withdrawTo, (thief, 1))), _refused());
    }

    function test_entryPointCannotBeListedOrLimited() public {
        address[4] memory eps = [EP_V06, EP_V07, EP_V08, EP_V09];
        for (uint256 i; i < eps.length; ++i) {
            vm.prank(address(account));
            vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, eps[i]));
            module.updateKeyPermissions(sessionKey, _one(_allowTarget(eps[i])));
            vm.prank(address(account));
            vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, eps[i]));
            module.updateKeyPermissions(sessionKey, _one(_erc20Limit(eps[i], 1, 0)));
        }
    }
}
