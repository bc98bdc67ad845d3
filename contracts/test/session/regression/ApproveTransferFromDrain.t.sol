// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a key approves an accomplice, who then pulls the tokens with transferFrom, outside any op the
/// module sees. Here approve counts its full amount, so the most that can leave is the limit.
contract ApproveTransferFromDrainTest is UnitBase {
    uint256 internal constant LIMIT = 100e6;
    address internal accomplice;
    /// @dev When setUp added the key: where its periods start.
    uint256 internal addedAt;

    function setUp() public override {
        super.setUp();
        accomplice = makeAddr("accomplice");
        addedAt = block.timestamp;
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), LIMIT, 0)));
    }

    function test_approvePlusTransferFrom_cannotDrainBeyondLimit() public {
        uint256 before = token.balanceOf(address(account));
        _sendSession(_approveCall(accomplice, LIMIT));
        assertEq(_erc20Status(sessionKey).used, LIMIT);

        // The accomplice pulls the approved amount (no op: the module never sees this).
        vm.prank(accomplice);
        token.transferFrom(address(account), accomplice, LIMIT);

        // Any further approval, or a transfer, is over the limit.
        PackedUserOperation memory op = _signedOp(_approveCall(accomplice, 1), sessionKeyPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, LIMIT, 1)
        );
        _handleOp(op);
        op = _signedOp(_transferCall(accomplice, 1), sessionKeyPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, LIMIT, 1)
        );
        _handleOp(op);

        assertEq(token.balanceOf(accomplice), LIMIT);
        assertEq(token.balanceOf(address(account)), before - LIMIT);
        assertEq(token.allowance(address(account), accomplice), 0);
    }

    function test_unlimitedApprovalIsOverTheLimit() public {
        PackedUserOperation memory op =
            _signedOp(_approveCall(accomplice, type(uint256).max), sessionKeyPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, 0, type(uint256).max
            )
        );
        _handleOp(op);
        assertEq(token.allowance(address(account), accomplice), 0);
    }

    function test_approveAndTransferInOneBatch_shareTheLimit() public {
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(token), 0, abi.encodeCall(token.approve, (accomplice, 60e6)));
        calls[1] = Execution(address(token), 0, abi.encodeCall(token.transfer, (accomplice, 41e6)));
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        _expectAA23(
            0,
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, 60e6, 41e6
            )
        );
        _handleOp(op);
        assertEq(token.allowance(address(account), accomplice), 0);
        assertEq(token.balanceOf(accomplice), 0);
    }

    function test_sessionKeyCannotCallTransferFromItself() public {
        // Even with an allowance from someone else to the account, transferFrom on a limited token is refused.
        address victim = makeAddr("victim");
        token.mint(victim, 500e6);
        vm.prank(victim);
        token.approve(address(account), 500e6);
        PackedUserOperation memory op = _signedOp(
            _call(address(token), 0, abi.encodeCall(token.transferFrom, (victim, accomplice, 500e6))),
            sessionKeyPk,
            block.timestamp
        );
        _expectAA23(
            0, abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), TRANSFER_FROM)
        );
        _handleOp(op);
        assertEq(token.balanceOf(accomplice), 0);
    }

    function test_refreshingLimit_reapprovalEachPeriodCountsInFull() public {
        _update(sessionKey, _one(_erc20Limit(address(token), LIMIT, WEEK)));
        _sendSession(_approveCall(accomplice, LIMIT));
        vm.prank(accomplice);
        token.transferFrom(address(account), accomplice, LIMIT);
        // Same week: nothing more.
        _expectRunRevert(
            _approveCall(accomplice, 1),
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, LIMIT, 1)
        );
        // Next week: one more limit's worth, no more.
        vm.warp(_periodStart(block.timestamp, addedAt, WEEK) + WEEK);
        _sendSession(_approveCall(accomplice, LIMIT));
        vm.prank(accomplice);
        token.transferFrom(address(account), accomplice, LIMIT);
        assertEq(token.balanceOf(accomplice), 2 * LIMIT);
    }
}
