// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {CallPolicyBase} from "./CallPolicyBase.sol";

/// @dev Argument limits, function call limits and the per-call value cap: lifetime and per period, every call of a
/// batch counts, refusals carry the numbers and charge nothing, removal keeps state, the lens reports it.
contract CallPolicyLimitsTest is CallPolicyBase {
    address internal alice = makeAddr("alice");
    uint256 internal T0;

    function setUp() public override {
        super.setUp();
        T0 = block.timestamp;
    }

    function _batch(bytes memory a, bytes memory b, bytes memory c) internal view returns (bytes memory) {
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(target), 0, a);
        calls[1] = Execution(address(target), 0, b);
        calls[2] = Execution(address(target), 0, c);
        return _executeBatch(calls);
    }

    // ------------------------------------------------------------------ argument limits

    function test_argumentLimit_lifetime() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _argLimit(address(target), PAY, 1, 100, 0)));
        _sendSession(_pay(alice, 60, 0));
        _expectRunRevert(_pay(alice, 41, 0), _argExceeded(1, 100, 60, 41));
        _sendSession(_pay(alice, 40, 0));
        _expectRunRevert(_pay(alice, 1, 0), _argExceeded(1, 100, 100, 1));
        // A zero amount still fits.
        _sendSession(_pay(alice, 0, 0));
        ISessionKeyLens.CallPolicyRule[] memory rules = _policies();
        assertEq(rules.length, 1);
        assertEq(rules[0].argumentLimits.length, 1);
        assertEq(rules[0].argumentLimits[0].argIndex, 1);
        _assertStatus(rules[0].argumentLimits[0].spend, true, 100, 100, 0, 0, 0, 0);
    }

    function test_argumentLimit_hugeAmountRefusedWithoutOverflow() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _argLimit(address(target), PAY, 1, 100, 0)));
        _sendSession(_pay(alice, 1, 0));
        _expectRunRevert(_pay(alice, type(uint256).max, 0), _argExceeded(1, 100, 1, type(uint256).max));
    }

    function test_argumentLimit_perDay_refreshes() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _argLimit(address(target), PAY, 1, 100, DAY)));
        _sendSession(_batch(_payData(alice, 50, 0), _payData(alice, 30, 0), _payData(alice, 20, 0)));
        _expectRunRevert(_pay(alice, 1, 0), _argExceeded(1, 100, 100, 1));
        _assertStatus(_policies()[0].argumentLimits[0].spend, true, 100, 100, 0, DAY, T0, T0 + DAY);
        vm.warp(T0 + DAY);
        _sendSession(_pay(alice, 100, 0));
        _assertStatus(_policies()[0].argumentLimits[0].spend, true, 100, 100, 0, DAY, T0 + DAY, T0 + 2 * DAY);
    }

    function test_argumentLimit_batchCrossingTheLimit_refusedWhole() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _argLimit(address(target), PAY, 1, 100, 0)));
        bytes memory before = _keyState(sessionKey);
        _expectRunRevert(
            _batch(_payData(alice, 50, 0), _payData(alice, 50, 0), _payData(alice, 1, 0)), _argExceeded(1, 100, 100, 1)
        );
        assertEq(_keyState(sessionKey), before);
        assertEq(target.calls(), 0);
    }

    function test_argumentLimit_removeKeepsState() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _argLimit(address(target), PAY, 1, 100, 0)));
        _sendSession(_pay(alice, 70, 0));
        _update(sessionKey, _one(_noArgLimit(address(target), PAY, 1)));
        _sendSession(_pay(alice, 1_000, 0)); // not charged while removed
        assertEq(_policies().length, 0);
        _update(sessionKey, _one(_argLimit(address(target), PAY, 1, 100, 0)));
        _expectRunRevert(_pay(alice, 31, 0), _argExceeded(1, 100, 70, 31));
        _sendSession(_pay(alice, 30, 0));
    }

    function test_argumentLimit_tooMany_andTooLarge() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        bytes[] memory four = new bytes[](4);
        for (uint256 i; i < 4; ++i) {
            four[i] = _argLimit(address(target), PAY, i, 1, 0);
        }
        bytes memory before = _keyState(sessionKey);
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, address(target), PAY));
        module.updateKeyPermissions(sessionKey, four);
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, 1 << 96, (1 << 96) - 1));
        module.updateKeyPermissions(sessionKey, _one(_argLimit(address(target), PAY, 1, 1 << 96, 0)));
        assertEq(_keyState(sessionKey), before);
    }

    // ------------------------------------------------------------------ function call limits

    function test_functionCallLimit_batchCountsEachCall() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _fnCallLimit(address(target), PAY, 2, DAY)));
        bytes memory pay = _payData(alice, 1, 0);
        bytes memory before = _keyState(sessionKey);
        _expectRunRevert(_batch(pay, pay, pay), _fnExceeded(PAY, 2, 2));
        assertEq(_keyState(sessionKey), before);
        // Other functions of the contract do not count.
        _sendSession(_batch(pay, abi.encodeWithSelector(MINT, 1), pay));
        _expectRunRevert(_pay(alice, 1, 0), _fnExceeded(PAY, 2, 2));
        _sendSession(_call(address(target), 0, abi.encodeWithSelector(MINT, 1)));
        _assertStatus(_policies()[0].calls, true, 2, 2, 0, DAY, T0, T0 + DAY);
        vm.warp(T0 + DAY + 5);
        _sendSession(_pay(alice, 1, 0));
        _assertStatus(_policies()[0].calls, true, 2, 1, 1, DAY, T0 + DAY, T0 + 2 * DAY);
        assertEq(target.calls(), 5);
    }

    function test_functionCallLimit_throughTheEntryPoint() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _fnCallLimit(address(target), PAY, 1, 0)));
        _sendSession(_pay(alice, 1, 0));
        PackedUserOperation memory op = _signedOp(_pay(alice, 1, 0), sessionKeyPk, block.timestamp);
        _expectAA23(0, _fnExceeded(PAY, 1, 1));
        _handleOp(op);
        assertEq(target.calls(), 1);
    }

    function test_functionCallLimit_removeKeepsState_andLowering() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _fnCallLimit(address(target), PAY, 5, 0)));
        _sendSession(_pay(alice, 1, 0));
        _sendSession(_pay(alice, 1, 0));
        _update(sessionKey, _one(_noFnCallLimit(address(target), PAY)));
        _sendSession(_pay(alice, 1, 0));
        _update(sessionKey, _one(_fnCallLimit(address(target), PAY, 1, 0)));
        _expectRunRevert(_pay(alice, 1, 0), _fnExceeded(PAY, 1, 2));
        _assertStatus(_policies()[0].calls, true, 1, 2, 0, 0, 0, 0);
    }

    function test_functionCallLimit_selectorZeroCoversEmptyCalls() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _fnCallLimit(address(target), bytes4(0), 1, 0)));
        _sendSession(_call(address(target), 0, ""));
        _expectRunRevert(_call(address(target), 0, hex"01"), _fnExceeded(bytes4(0), 1, 1));
    }

    // ------------------------------------------------------------------ per-call value cap

    function test_valuePerCall_capsEachCall() public {
        _addKeyWithGas(
            sessionKey, _updates(_allowTarget(address(target)), _noNativeLimit(), _maxValue(1 ether))
        );
        assertEq(lens.getSessionKey(address(module), address(account), sessionKey).maxValuePerCall, 1 ether);
        _sendSession(_call(address(target), 1 ether, ""));
        _expectRunRevert(
            _call(address(target), 1 ether + 1, ""),
            abi.encodeWithSelector(ISessionKeyModule.ValuePerCallExceeded.selector, address(target), 1 ether, 1 ether + 1)
        );
        // In a batch each call is capped, not the sum.
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(target), 1 ether, "");
        calls[1] = Execution(address(target2), 0, "");
        calls[2] = Execution(address(target), 1 ether, "");
        _update(sessionKey, _one(_allowTarget(address(target2))));
        _sendSession(_executeBatch(calls));
        calls[1] = Execution(address(target2), 2 ether, "");
        _expectRunRevert(
            _executeBatch(calls),
            abi.encodeWithSelector(ISessionKeyModule.ValuePerCallExceeded.selector, address(target2), 1 ether, 2 ether)
        );
        assertEq(target.received(), 3 ether);
        _update(sessionKey, _one(_noMaxValue()));
        assertEq(lens.getSessionKey(address(module), address(account), sessionKey).maxValuePerCall, type(uint256).max);
        _sendSession(_call(address(target), 5 ether, ""));
    }

    function test_valuePerCall_besideTheNativeLimit() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _nativeLimit(3 ether, 0), _maxValue(2 ether)));
        _sendSession(_call(address(target), 2 ether, ""));
        _expectRunRevert(
            _call(address(target), 2 ether, ""),
            abi.encodeWithSelector(ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, 3 ether, 2 ether, 2 ether)
        );
        _sendSession(_call(address(target), 1 ether, ""));
    }

    function test_valuePerCall_zeroCapAllowsOnlyValuelessCalls() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _noNativeLimit(), _maxValue(0)));
        _sendSession(_call(address(target), 0, ""));
        _expectRunRevert(
            _call(address(target), 1, ""),
            abi.encodeWithSelector(ISessionKeyModule.ValuePerCallExceeded.selector, address(target), 0, 1)
        );
    }

    function test_newKey_isUncapped() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        ISessionKeyLens.SessionKeyState memory state = lens.getSessionKey(address(module), address(account), sessionKey);
        assertEq(state.maxValuePerCall, type(uint256).max);
        assertEq(state.callPolicies.length, 0);
    }
}
