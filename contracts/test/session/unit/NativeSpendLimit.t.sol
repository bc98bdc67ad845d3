// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev The native token limit: lifetime or refreshing, the sum of an op's call values counts.
contract NativeSpendLimitTest is UnitBase {
    function _exceeded(uint256 limit, uint256 used, uint256 attempted) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, limit, used, attempted);
    }

    function _send(uint256 value) internal view returns (bytes memory) {
        return _call(recipient, value, "");
    }

    function _keyWith(bytes memory limitUpdate) internal {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), limitUpdate));
    }

    function _native(address key) internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        return _info(key).nativeTokenSpend;
    }

    function test_default_noValueAtAll() public {
        _addKeyWithGas(sessionKey, _one(_listType(AccessListType.ALLOW_ALL)));
        _assertStatus(_native(sessionKey), true, 0, 0, 0, 0, 0, 0);
        _expectRunRevert(_send(1), _exceeded(0, 0, 1));
        assertEq(_runCall(_send(0)), 0);
    }

    function test_lifetime() public {
        _keyWith(_nativeLimit(1 ether, 0));
        _sendSession(_send(0.4 ether));
        _assertStatus(_native(sessionKey), true, 1 ether, 0.4 ether, 0.6 ether, 0, 0, 0);
        _sendSession(_send(0.6 ether));
        assertEq(recipient.balance, 1 ether);
        _assertStatus(_native(sessionKey), true, 1 ether, 1 ether, 0, 0, 0, 0);

        PackedUserOperation memory op = _signedOp(_send(1), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(1 ether, 1 ether, 1));
        _handleOp(op);
        assertEq(recipient.balance, 1 ether);

        vm.warp(block.timestamp + 1000 days);
        _expectRunRevert(_send(1), _exceeded(1 ether, 1 ether, 1));
    }

    function test_batch_sumOfValuesCounts() public {
        _keyWith(_nativeLimit(1 ether, 0));
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(recipient, 0.3 ether, "");
        calls[1] = Execution(address(target), 0.4 ether, hex"01020304");
        calls[2] = Execution(recipient, 0.5 ether, "");
        // 1.2 ether in total: refused as one attempt, though each call is under the limit.
        _expectRunRevert(_executeBatch(calls), _exceeded(1 ether, 0, 1.2 ether));

        calls[2] = Execution(recipient, 0.3 ether, "");
        _sendSession(_executeBatch(calls));
        assertEq(recipient.balance, 0.6 ether);
        assertEq(target.received(), 0.4 ether);
        _assertStatus(_native(sessionKey), true, 1 ether, 1 ether, 0, 0, 0, 0);
    }

    function test_valueOnATokenCallCounts() public {
        _keyWith(_nativeLimit(1 ether, 0));
        bytes memory callData = _executeSingle(address(target), 2 ether, abi.encodeCall(token.transfer, (recipient, 1)));
        _expectRunRevert(callData, _exceeded(1 ether, 0, 2 ether));
    }

    function test_exactLimitInOneOp() public {
        _keyWith(_nativeLimit(1 ether, 0));
        _sendSession(_send(1 ether));
        assertEq(recipient.balance, 1 ether);
    }

    function test_removeLimit_anyValue() public {
        _keyWith(_noNativeLimit());
        assertFalse(_native(sessionKey).hasLimit);
        _sendSession(_send(50 ether));
        assertEq(recipient.balance, 50 ether);
        // Nothing is counted while unlimited.
        assertEq(_native(sessionKey).used, 0);
        // A limit set afterwards applies again.
        _update(sessionKey, _one(_nativeLimit(1 ether, 0)));
        _assertStatus(_native(sessionKey), true, 1 ether, 0, 1 ether, 0, 0, 0);
        _expectRunRevert(_send(1 ether + 1), _exceeded(1 ether, 0, 1 ether + 1));
    }

    function test_limitZeroIsNotNoLimit() public {
        _keyWith(_nativeLimit(0, 0));
        assertTrue(_native(sessionKey).hasLimit);
        _expectRunRevert(_send(1), _exceeded(0, 0, 1));
    }

    function test_refreshing_daily() public {
        _keyWith(_nativeLimit(1 ether, DAY));
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        assertEq(_runCall(_send(0.25 ether)), _vd(false, day - 1, day + DAY - 1));
        _sendSession(_send(0.75 ether)); // 0.25 + 0.75 counted: the direct validation above charged too
        _assertStatus(_native(sessionKey), true, 1 ether, 1 ether, 0, DAY, day, day + DAY);

        PackedUserOperation memory op = _signedOp(_send(1), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(1 ether, 1 ether, 1));
        _handleOp(op);

        vm.warp(day + DAY);
        _assertStatus(_native(sessionKey), true, 1 ether, 0, 1 ether, DAY, day + DAY, day + 2 * DAY);
        _sendSession(_send(1 ether));
        assertEq(recipient.balance, 1.75 ether);
    }

    function test_refreshing_zeroValueOpsSpendNothing() public {
        _keyWith(_nativeLimit(1 ether, DAY));
        _sendSession(_call(address(target), 0, hex"aabbccdd"));
        assertEq(_native(sessionKey).used, 0);
        assertEq(target.calls(), 1);
    }

    function test_loweringLimitBelowUsed() public {
        _keyWith(_nativeLimit(1 ether, 0));
        _sendSession(_send(0.8 ether));
        _update(sessionKey, _one(_nativeLimit(0.5 ether, 0)));
        _assertStatus(_native(sessionKey), true, 0.5 ether, 0.8 ether, 0, 0, 0, 0);
        _expectRunRevert(_send(1), _exceeded(0.5 ether, 0.8 ether, 1));
    }

    function test_changingIntervalKeepsInterval() public {
        _keyWith(_nativeLimit(1 ether, DAY));
        _update(sessionKey, _one(_nativeLimit(2 ether, WEEK)));
        uint256 week = _periodStart(block.timestamp, 0, WEEK);
        _assertStatus(_native(sessionKey), true, 2 ether, 0, 2 ether, WEEK, week, week + WEEK);
        assertEq(_runCall(_send(2 ether)), _vd(false, week - 1, week + WEEK - 1));
    }
}
