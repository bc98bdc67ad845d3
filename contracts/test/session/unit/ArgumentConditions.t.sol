// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {ArgumentOperator} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {CallPolicyBase} from "./CallPolicyBase.sol";

/// @dev Argument conditions and one-of sets: every operator at its boundaries, signed and unsigned; short calldata is
/// refused, never read as zero; words compare whole; refusals name the rule and change nothing.
contract ArgumentConditionsTest is CallPolicyBase {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function _keyWith(bytes memory rule) internal {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), rule));
    }

    /// @dev `actual <op> allowed` expected to hold or not, checked in validation for argument 1 (the amount word).
    function _expectUnsigned(ArgumentOperator op, uint256 allowed, uint256 actual, bool holds) internal {
        bytes memory callData = _pay(alice, actual, 0);
        if (holds) {
            assertEq(_runCall(callData) & 1, 0);
        } else {
            _expectRunRevert(callData, _conditionFailed(1, op, bytes32(allowed), bytes32(actual)));
        }
    }

    function _expectSigned(ArgumentOperator op, int256 allowed, int256 actual, bool holds) internal {
        bytes memory callData = _pay(alice, 0, actual);
        if (holds) {
            assertEq(_runCall(callData) & 1, 0);
        } else {
            _expectRunRevert(callData, _conditionFailed(2, op, _signedWord(allowed), _signedWord(actual)));
        }
    }

    function _unsignedCase(ArgumentOperator op, bool below, bool at, bool above) internal {
        uint256 v = 1_000;
        _keyWith(_condition(address(target), PAY, 1, op, bytes32(v)));
        _expectUnsigned(op, v, v - 1, below);
        _expectUnsigned(op, v, v, at);
        _expectUnsigned(op, v, v + 1, above);
        // A word that is negative when read signed is a huge unsigned number.
        _expectUnsigned(op, v, type(uint256).max, above);
        _expectUnsigned(op, v, 0, below);
    }

    function _signedCase(ArgumentOperator op, bool below, bool at, bool above) internal {
        int256 v = -5;
        _keyWith(_condition(address(target), PAY, 2, op, _signedWord(v)));
        _expectSigned(op, v, v - 1, below);
        _expectSigned(op, v, v, at);
        _expectSigned(op, v, v + 1, above);
        _expectSigned(op, v, type(int256).min, below);
        _expectSigned(op, v, type(int256).max, above);
        _expectSigned(op, v, 0, above);
    }

    function test_equal() public {
        _unsignedCase(ArgumentOperator.EQUAL, false, true, false);
    }

    function test_notEqual() public {
        _unsignedCase(ArgumentOperator.NOT_EQUAL, true, false, true);
    }

    function test_lessThan() public {
        _unsignedCase(ArgumentOperator.LESS_THAN, true, false, false);
    }

    function test_lessThanOrEqual() public {
        _unsignedCase(ArgumentOperator.LESS_THAN_OR_EQUAL, true, true, false);
    }

    function test_greaterThan() public {
        _unsignedCase(ArgumentOperator.GREATER_THAN, false, false, true);
    }

    function test_greaterThanOrEqual() public {
        _unsignedCase(ArgumentOperator.GREATER_THAN_OR_EQUAL, false, true, true);
    }

    function test_signedLessThan() public {
        _signedCase(ArgumentOperator.SIGNED_LESS_THAN, true, false, false);
    }

    function test_signedLessThanOrEqual() public {
        _signedCase(ArgumentOperator.SIGNED_LESS_THAN_OR_EQUAL, true, true, false);
    }

    function test_signedGreaterThan() public {
        _signedCase(ArgumentOperator.SIGNED_GREATER_THAN, false, false, true);
    }

    function test_signedGreaterThanOrEqual() public {
        _signedCase(ArgumentOperator.SIGNED_GREATER_THAN_OR_EQUAL, false, true, true);
    }

    function test_everyConditionMustHold() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(target)),
                _condition(address(target), PAY, 0, ArgumentOperator.EQUAL, _word(alice)),
                _condition(address(target), PAY, 1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(uint256(10e6)))
            )
        );
        _sendSession(_pay(alice, 10e6, 0));
        _expectRunRevert(_pay(bob, 1, 0), _conditionFailed(0, ArgumentOperator.EQUAL, _word(alice), _word(bob)));
        _expectRunRevert(
            _pay(alice, 10e6 + 1, 0),
            _conditionFailed(1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(uint256(10e6)), bytes32(uint256(10e6 + 1)))
        );
        assertEq(target.calls(), 1);
    }

    function test_shortCalldata_refusedNeverReadAsZero() public {
        // "amount != 0" would pass if a missing word read as zero were compared... it must not be read at all.
        _keyWith(_condition(address(target), PAY, 1, ArgumentOperator.EQUAL, bytes32(0)));
        bytes memory data = abi.encodePacked(PAY, _word(alice)); // 36 bytes: argument 1 is missing
        _expectRunRevert(
            _call(address(target), 0, data),
            abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(target), PAY, 1, 36)
        );
        // One byte short of the word.
        bytes memory short = abi.encodePacked(PAY, _word(alice), bytes31(0));
        _expectRunRevert(
            _call(address(target), 0, short),
            abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(target), PAY, 1, 67)
        );
        // Exactly long enough.
        assertEq(_runCall(_call(address(target), 0, abi.encodePacked(PAY, _word(alice), bytes32(0)))) & 1, 0);
    }

    function test_dirtyHighBits_neverEqualACleanAddress() public {
        _keyWith(_condition(address(target), PAY, 0, ArgumentOperator.EQUAL, _word(alice)));
        bytes32 dirty = bytes32(uint256(_word(alice)) | (uint256(1) << 200));
        bytes memory data = abi.encodePacked(PAY, dirty, uint256(1), uint256(0));
        _expectRunRevert(_call(address(target), 0, data), _conditionFailed(0, ArgumentOperator.EQUAL, _word(alice), dirty));
    }

    function test_oneOf_twoRecipients() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(target)),
                _oneOf(address(target), PAY, 0, _word(alice)),
                _oneOf(address(target), PAY, 0, _word(bob))
            )
        );
        _sendSession(_pay(alice, 1, 0));
        _sendSession(_pay(bob, 2, 0));
        _expectRunRevert(_pay(carol, 3, 0), _notOneOf(0, _word(carol)));
        bytes32 dirty = bytes32(uint256(_word(alice)) | (uint256(0xff) << 248));
        _expectRunRevert(_call(address(target), 0, abi.encodePacked(PAY, dirty, uint256(1), uint256(0))), _notOneOf(0, dirty));
        _expectRunRevert(
            _call(address(target), 0, abi.encodePacked(PAY)),
            abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(target), PAY, 0, 4)
        );
        assertEq(target.calls(), 2);
        ISessionKeyLens.CallPolicyRule[] memory rules = _policies();
        assertEq(rules.length, 1);
        assertEq(rules[0].target, address(target));
        assertEq(rules[0].selector, PAY);
        assertEq(rules[0].oneOf.length, 1);
        assertEq(rules[0].oneOf[0].argIndex, 0);
        assertEq(rules[0].oneOf[0].values.length, 2);
        assertEq(rules[0].oneOf[0].values[0], _word(alice));
        assertEq(rules[0].oneOf[0].values[1], _word(bob));
        assertFalse(rules[0].calls.hasLimit);
    }

    function test_oneOf_addingAValueTwiceChangesNothing() public {
        _keyWith(_oneOf(address(target), PAY, 0, _word(alice)));
        _update(sessionKey, _one(_oneOf(address(target), PAY, 0, _word(alice))));
        assertEq(_policies()[0].oneOf[0].values.length, 1);
    }

    function test_removeArgumentConditions_dropsConditionsAndSetsOnly() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(target)),
                _oneOf(address(target), PAY, 0, _word(alice)),
                _condition(address(target), PAY, 1, ArgumentOperator.LESS_THAN, bytes32(uint256(5))),
                _fnCallLimit(address(target), PAY, 10, 0)
            )
        );
        _update(sessionKey, _one(_noConditions(address(target), PAY)));
        _sendSession(_pay(carol, 100, 0));
        ISessionKeyLens.CallPolicyRule[] memory rules = _policies();
        assertEq(rules[0].conditions.length, 0);
        assertEq(rules[0].oneOf.length, 0);
        _assertStatus(rules[0].calls, true, 10, 1, 9, 0, 0, 0);
        // A new set starts empty: the old member is not in it.
        _update(sessionKey, _one(_oneOf(address(target), PAY, 0, _word(bob))));
        _expectRunRevert(_pay(alice, 1, 0), _notOneOf(0, _word(alice)));
        _sendSession(_pay(bob, 1, 0));
    }

    function test_otherFunctionsOfTheContract_areNotConstrained() public {
        _keyWith(_condition(address(target), PAY, 0, ArgumentOperator.EQUAL, _word(alice)));
        _sendSession(_call(address(target), 0, abi.encodeWithSelector(MINT, 5)));
        _sendSession(_call(address(target), 0, ""));
        assertEq(target.calls(), 2);
    }

    function test_updateErrors_andNothingStoredIsLost() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTarget(address(target)),
                _condition(address(target), PAY, 0, ArgumentOperator.EQUAL, _word(alice)),
                _oneOf(address(target), PAY, 1, bytes32(uint256(7)))
            )
        );
        bytes memory before = _keyState(sessionKey);

        // An operator past the enum.
        bytes memory badOperator = abi.encodeWithSelector(
            bytes4(keccak256("addArgumentCondition(address,bytes4,uint8,uint8,bytes32)")),
            address(target), PAY, uint8(0), uint8(10), bytes32(0)
        );
        _expectUpdateRevert(badOperator, abi.encodeWithSelector(ISessionKeyModule.InvalidArgumentOperator.selector, 10));
        // A fifth condition.
        bytes[] memory four = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            four[i] = _condition(address(target), PAY, i, ArgumentOperator.NOT_EQUAL, bytes32(i));
        }
        vm.prank(address(account));
        vm.expectRevert(
            abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, address(target), PAY)
        );
        module.updateKeyPermissions(sessionKey, four);
        // A selector word with bits below its four bytes, and an argument index past uint8.
        bytes memory dirtySelector = abi.encodePacked(
            bytes4(keccak256("addArgumentOneOf(address,bytes4,uint8,bytes32)")),
            abi.encode(address(target), bytes32(uint256(uint32(PAY)) << 224 | 1), uint256(0), bytes32(0))
        );
        _expectUpdateRevert(dirtySelector, abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdate.selector, 0));
        bytes memory bigIndex = abi.encodePacked(
            bytes4(keccak256("addArgumentOneOf(address,bytes4,uint8,bytes32)")),
            abi.encode(address(target), PAY, uint256(256), bytes32(0))
        );
        _expectUpdateRevert(bigIndex, abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdate.selector, 0));
        // A condition on the account itself.
        _expectUpdateRevert(
            _condition(address(account), PAY, 0, ArgumentOperator.EQUAL, 0),
            abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, address(account))
        );
        assertEq(_keyState(sessionKey), before);
    }

    function test_setLimits() public {
        _allowTargetKey();
        bytes[] memory sets = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            sets[i] = _oneOf(address(target), PAY, i, bytes32(i));
        }
        vm.prank(address(account));
        vm.expectRevert(
            abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, address(target), PAY)
        );
        module.updateKeyPermissions(sessionKey, sets);
        bytes[] memory values = new bytes[](64);
        for (uint256 i; i < 64; ++i) {
            values[i] = _oneOf(address(target), PAY, 0, bytes32(i + 1));
        }
        vm.prank(address(account));
        vm.expectRevert(
            abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, address(target), PAY)
        );
        module.updateKeyPermissions(sessionKey, values);
    }

    function _allowTargetKey() internal {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
    }

    function _expectUpdateRevert(bytes memory update, bytes memory revertData) internal {
        vm.prank(address(account));
        vm.expectRevert(revertData);
        module.updateKeyPermissions(sessionKey, _one(update));
    }
}
