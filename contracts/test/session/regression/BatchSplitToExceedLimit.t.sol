// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a spend split into pieces that each fit the limit (calls in a batch, several ops, several ops in
/// one bundle validated before any executes) to exceed it in total.
contract BatchSplitToExceedLimitTest is UnitBase {
    uint256 internal constant LIMIT = 100e6;

    function _erc20Exceeded(uint256 used, uint256 attempted) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, used, attempted
        );
    }

    function _tokenKey(uint256 interval) internal {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), LIMIT, interval)));
    }

    function test_batchSplitUpToExceedLimit_erc20() public {
        _tokenKey(0);
        Execution[] memory calls = new Execution[](10);
        for (uint256 i; i < calls.length; ++i) {
            calls[i] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 11e6)));
        }
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        // The tenth call crosses the limit, with the first nine counted.
        _expectAA23(0, _erc20Exceeded(99e6, 11e6));
        _handleOp(op);
        assertEq(token.balanceOf(recipient), 0);
        assertEq(_erc20Status(sessionKey).used, 0);
    }

    function test_batchSplitUpToExceedLimit_native() public {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _nativeLimit(1 ether, 0)));
        Execution[] memory calls = new Execution[](5);
        for (uint256 i; i < calls.length; ++i) {
            calls[i] = Execution(recipient, 0.25 ether, "");
        }
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        _expectAA23(
            0, abi.encodeWithSelector(ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, 1 ether, 0, 1.25 ether)
        );
        _handleOp(op);
        assertEq(recipient.balance, 0);
    }

    function test_splitAcrossOps() public {
        _tokenKey(0);
        _sendSession(_transferCall(recipient, 60e6));
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 50e6), sessionKeyPk, block.timestamp);
        _expectAA23(0, _erc20Exceeded(60e6, 50e6));
        _handleOp(op);
        assertEq(token.balanceOf(recipient), 60e6);
    }

    /// @dev Both ops are validated before either executes: the budget is charged in validation, so the second sees
    /// the first's spend.
    function test_twoOpsInOneBundle_cannotSpendTheSameBudgetTwice() public {
        _tokenKey(0);
        PackedUserOperation memory op1 = _laneOp(_transferCall(recipient, 60e6), 0, 0);
        op1.signature = _signSession(op1, sessionKeyPk, block.timestamp);
        PackedUserOperation memory op2 = _laneOp(_transferCall(recipient, 50e6), 0, 1);
        op2.signature = _signSession(op2, sessionKeyPk, block.timestamp);
        _expectAA23(1, _erc20Exceeded(60e6, 50e6));
        _handleOps(_two(op1, op2));
        assertEq(token.balanceOf(recipient), 0);

        // Each alone would pass; together within the limit they pass.
        op2 = _laneOp(_transferCall(recipient, 40e6), 0, 1);
        op2.signature = _signSession(op2, sessionKeyPk, block.timestamp);
        _handleOps(_two(op1, op2));
        assertEq(token.balanceOf(recipient), 100e6);
        assertEq(_erc20Status(sessionKey).used, 100e6);
    }

    function test_twoOpsInOneBundle_onTwoNonceLanes() public {
        _tokenKey(WEEK);
        PackedUserOperation memory op1 = _laneOp(_transferCall(recipient, 70e6), 1, 0);
        op1.signature = _signSession(op1, sessionKeyPk, block.timestamp);
        PackedUserOperation memory op2 = _laneOp(_transferCall(recipient, 70e6), 2, 0);
        op2.signature = _signSession(op2, sessionKeyPk, block.timestamp);
        _expectAA23(1, _erc20Exceeded(70e6, 70e6));
        _handleOps(_two(op1, op2));
        assertEq(token.balanceOf(recipient), 0);
    }

    function test_twoOpsInOneBundle_gasBudget() public {
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _gasLimit(DEFAULT_OP_COST, DAY)));
        PackedUserOperation memory op1 = _laneOp(_call(address(target), 0, hex"01"), 0, 0);
        op1.signature = _signSession(op1, sessionKeyPk, block.timestamp);
        PackedUserOperation memory op2 = _laneOp(_call(address(target), 0, hex"02"), 0, 1);
        op2.signature = _signSession(op2, sessionKeyPk, block.timestamp);
        _expectAA23(
            1,
            abi.encodeWithSelector(
                ISessionKeyModule.GasSpendLimitExceeded.selector, DEFAULT_OP_COST, DEFAULT_OP_COST, DEFAULT_OP_COST
            )
        );
        _handleOps(_two(op1, op2));
        assertEq(target.calls(), 0);
    }

    function test_twoOpsInOneBundle_nativeBudget() public {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _nativeLimit(1 ether, DAY)));
        PackedUserOperation memory op1 = _laneOp(_call(recipient, 0.6 ether, ""), 0, 0);
        op1.signature = _signSession(op1, sessionKeyPk, block.timestamp);
        PackedUserOperation memory op2 = _laneOp(_call(recipient, 0.6 ether, ""), 0, 1);
        op2.signature = _signSession(op2, sessionKeyPk, block.timestamp);
        _expectAA23(
            1,
            abi.encodeWithSelector(
                ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, 1 ether, 0.6 ether, 0.6 ether
            )
        );
        _handleOps(_two(op1, op2));
        assertEq(recipient.balance, 0);
    }

    function test_twoOpsInOneBundle_statingDifferentPeriods() public {
        // The second op states next week's period to escape this week's spend: its window is next week, so the
        // EntryPoint refuses it now.
        uint256 addedAt = block.timestamp;
        _tokenKey(WEEK);
        uint256 week = _periodStart(block.timestamp, addedAt, WEEK); // periods start when the key is added
        PackedUserOperation memory op1 = _laneOp(_transferCall(recipient, 100e6), 0, 0);
        op1.signature = _signSession(op1, sessionKeyPk, block.timestamp);
        PackedUserOperation memory op2 = _laneOp(_transferCall(recipient, 100e6), 0, 1);
        op2.signature = _signSession(op2, sessionKeyPk, week + WEEK);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 1, "AA22 expired or not due"));
        _handleOps(_two(op1, op2));
        assertEq(token.balanceOf(recipient), 0);
    }
}
