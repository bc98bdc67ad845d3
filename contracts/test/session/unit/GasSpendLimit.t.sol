// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {stdError} from "forge-std/StdError.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {UnitBase, AcceptAllPaymaster} from "./UnitBase.sol";

/// @dev The gas limit, in wei: an op counts at its maximum cost when the account pays, nothing when a paymaster pays.
contract GasSpendLimitTest is UnitBase {
    function _exceeded(uint256 limit, uint256 used, uint256 attempted) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, limit, used, attempted);
    }

    function _gas(address key) internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        return _info(key).gasSpend;
    }

    function _targetCall() internal view returns (bytes memory) {
        return _call(address(target), 0, hex"01");
    }

    function _keyWithGas(bytes memory gasUpdate) internal {
        _addKey(sessionKey, _updates(_allowTarget(address(target)), gasUpdate));
    }

    function _opWithGas(
        uint256 verification,
        uint256 callGas,
        uint256 preVerification,
        uint256 priority,
        uint256 maxFee
    ) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(_targetCall());
        op.accountGasLimits = _packGas(verification, callGas);
        op.preVerificationGas = preVerification;
        op.gasFees = _packGas(priority, maxFee);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
    }

    function test_default_limitZero_accountCannotPay() public {
        _addKey(sessionKey, _one(_allowTarget(address(target))));
        _assertStatus(_gas(sessionKey), true, 0, 0, 0, 0, 0, 0);
        _expectRunRevert(_targetCall(), _exceeded(0, 0, DEFAULT_OP_COST));
        PackedUserOperation memory op = _signedOp(_targetCall(), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(0, 0, DEFAULT_OP_COST));
        _handleOp(op);
    }

    function test_maxCostFormula() public {
        // (verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas; the priority fee does not count.
        uint256 cost = (123_456 + 654_321 + 42_000) * 3 gwei;
        _keyWithGas(_gasLimit(cost, 0));
        PackedUserOperation memory op = _opWithGas(123_456, 654_321, 42_000, 1 gwei, 3 gwei);
        assertEq(_run(op), 0);
        _assertStatus(_gas(sessionKey), true, cost, cost, 0, 0, 0, 0);

        // One more wei of any component is refused.
        _update(sessionKey, _one(_gasLimit(2 * cost, 0)));
        op = _opWithGas(123_457, 654_321, 42_000, 3 gwei, 3 gwei);
        _expectValidateRevert(op, _exceeded(2 * cost, cost, cost + 3 gwei));
        op = _opWithGas(123_456, 654_321, 42_001, 3 gwei, 3 gwei);
        _expectValidateRevert(op, _exceeded(2 * cost, cost, cost + 3 gwei));
        op = _opWithGas(123_456, 654_322, 42_000, 3 gwei, 3 gwei);
        _expectValidateRevert(op, _exceeded(2 * cost, cost, cost + 3 gwei));
        op = _opWithGas(123_456, 654_321, 42_000, 0, 3 gwei + 1);
        _expectValidateRevert(op, _exceeded(2 * cost, cost, cost + 819_777));
        // Exactly the rest fits, whatever the priority fee.
        op = _opWithGas(123_456, 654_321, 42_000, 0, 3 gwei);
        assertEq(_run(op), 0);
        assertEq(_gas(sessionKey).used, 2 * cost);
    }

    function test_entryPoint_countedCostIsThePrefundTheAccountPays() public {
        _keyWithGas(_gasLimit(1 ether, 0));
        uint256 before = address(account).balance;
        assertEq(entryPoint.balanceOf(address(account)), 0);
        _sendSession(_targetCall());
        assertEq(target.calls(), 1);
        assertEq(_gas(sessionKey).used, DEFAULT_OP_COST);
        // The account paid exactly the counted maximum as prefund; the unused part stays in its deposit.
        assertEq(before - address(account).balance, DEFAULT_OP_COST);
        assertGt(entryPoint.balanceOf(address(account)), 0);
        assertLt(entryPoint.balanceOf(address(account)), DEFAULT_OP_COST);
    }

    function test_zeroMaxFee_countsNothingAndDoesNotNarrow() public {
        _keyWithGas(_gasLimit(0, DAY));
        PackedUserOperation memory op = _opWithGas(500_000, 500_000, 50_000, 0, 0);
        assertEq(_run(op), 0);
        assertEq(_gas(sessionKey).used, 0);
    }

    function test_absurdGasValuesSaturateAndAreRefusedByName() public {
        _keyWithGas(_gasLimit(MAX_GAS_LIMIT, 0));
        // (2^128 - 1) × 2 gas × (2^128 - 1) wei overflows 256 bits: the cost saturates and exceeds any limit.
        PackedUserOperation memory op = _opWithGas(type(uint128).max, type(uint128).max, 0, 0, type(uint128).max);
        _expectValidateRevert(
            op,
            abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, MAX_GAS_LIMIT, 0, type(uint256).max)
        );
    }

    function test_paymasterPays_nothingCounted() public {
        AcceptAllPaymaster paymaster = _newPaymaster();
        _keyWithGas(_gasLimit(0, DAY)); // refreshing, zero
        PackedUserOperation memory op = _sessionOp(_targetCall());
        // Large paymaster gas limits: still nothing is counted for the account.
        op.paymasterAndData = _paymasterAndData(address(paymaster), 200_000, 10_000_000);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        // No refreshing charge: the window is not narrowed either.
        assertEq(_run(op), 0);
        assertEq(_gas(sessionKey).used, 0);

        uint256 before = address(account).balance;
        uint256 pmDeposit = entryPoint.balanceOf(address(paymaster));
        op = _sessionOp(_targetCall());
        op.paymasterAndData = _paymasterAndData(address(paymaster), 200_000, 50_000);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _handleOp(op);
        assertEq(target.calls(), 1);
        assertEq(paymaster.validations(), 1);
        assertEq(address(account).balance, before);
        assertLt(entryPoint.balanceOf(address(paymaster)), pmDeposit);
        assertEq(_gas(sessionKey).used, 0);
    }

    function test_lifetime_exhausts() public {
        _keyWithGas(_gasLimit(2 * DEFAULT_OP_COST, 0));
        _sendSession(_targetCall());
        _sendSession(_targetCall());
        _assertStatus(_gas(sessionKey), true, 2 * DEFAULT_OP_COST, 2 * DEFAULT_OP_COST, 0, 0, 0, 0);
        PackedUserOperation memory op = _signedOp(_targetCall(), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(2 * DEFAULT_OP_COST, 2 * DEFAULT_OP_COST, DEFAULT_OP_COST));
        _handleOp(op);
        assertEq(target.calls(), 2);
    }

    function test_refreshing_daily() public {
        _keyWithGas(_gasLimit(2 * DEFAULT_OP_COST, DAY));
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        _sendSession(_targetCall());
        _sendSession(_targetCall());
        _assertStatus(_gas(sessionKey), true, 2 * DEFAULT_OP_COST, 2 * DEFAULT_OP_COST, 0, DAY, day, day + DAY);
        PackedUserOperation memory op = _signedOp(_targetCall(), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(2 * DEFAULT_OP_COST, 2 * DEFAULT_OP_COST, DEFAULT_OP_COST));
        _handleOp(op);

        vm.warp(day + DAY);
        _assertStatus(
            _gas(sessionKey), true, 2 * DEFAULT_OP_COST, 0, 2 * DEFAULT_OP_COST, DAY, day + DAY, day + 2 * DAY
        );
        assertEq(_runCall(_targetCall()), _vd(false, day + DAY - 1, day + 2 * DAY - 1));
        _sendSession(_targetCall());
        assertEq(target.calls(), 3);
        assertEq(_gas(sessionKey).used, 2 * DEFAULT_OP_COST); // the direct validation above charged once too
    }

    function test_removeLimit() public {
        _keyWithGas(_noGasLimit());
        assertFalse(_gas(sessionKey).hasLimit);
        assertEq(_runCall(_targetCall()), 0);
        assertEq(_gas(sessionKey).used, 0);
        _update(sessionKey, _one(_gasLimit(DEFAULT_OP_COST - 1, 0)));
        _expectRunRevert(_targetCall(), _exceeded(DEFAULT_OP_COST - 1, 0, DEFAULT_OP_COST));
    }
}
