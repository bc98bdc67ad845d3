// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder} from "../fuzz/SessionFuzzHelpers.sol";

/// @dev Failure mode (found by the fuzz suite in an earlier version of the module): daily budgets all spent at 13:00
/// (anchor midnight), then the owner moves the anchor to 13:01 (or re-sends the same limits with it). A budget moved to
/// the new grid's period [13:01 yesterday, 13:01 today) gave a second full daily budget one minute later. Every budget
/// must keep its day until midnight.
contract AnchorEarlyRefreshTest is SessionFuzzBase {
    function test_movedAnchor_nativeBudgetNeverOpensEarly() public {
        uint256 midnight = (block.timestamp / DAY) * DAY;
        vm.warp(midnight + 13 hours);
        bytes[] memory updates = _with(_openPermissions(), _nativeLimit(1 ether, DAY));
        updates = _with(updates, _erc20Limit(address(token), 100e6, DAY));
        _addKey(sessionKey, _with(updates, _epochAnchor()));
        bytes memory spendAll = _executeSingle(address(token), 1 ether, abi.encodeCall(token.transfer, (recipient, 100e6)));
        assertTrue(_trySend(_signedOp(spendAll, block.timestamp)), "spend the day's budgets");
        _update(sessionKey, _one(abi.encodeCall(Updates.setRefreshAnchor, (uint48(midnight + 13 hours + 1 minutes)))));
        vm.warp(midnight + 13 hours + 1 minutes);
        assertFalse(_trySend(_signedOp(_transferCall(recipient, 100e6), block.timestamp)), "token: a second budget at 13:01");
        bytes memory value = _executeSingle(address(target), 1 ether, abi.encodeCall(CallRecorder.f1, (1)));
        assertFalse(_trySend(_signedOp(value, block.timestamp)), "native: a second daily budget at 13:01");
    }

    function test_movedAnchor_gasBudgetNeverOpensEarly() public {
        uint256 midnight = (block.timestamp / DAY) * DAY;
        vm.warp(midnight + 13 hours);
        bytes[] memory updates = _with(_openPermissions(), _gasLimit(1000 gwei, DAY));
        _addKey(sessionKey, _with(updates, _epochAnchor()));
        _validate(_costing(1000 gwei));
        _expectValidateRevert(_costing(1 gwei), _gasExceeded(1 gwei));
        _update(sessionKey, _one(abi.encodeCall(Updates.setRefreshAnchor, (uint48(midnight + 13 hours + 1 minutes)))));
        vm.warp(midnight + 13 hours + 1 minutes);
        // The day's 1000 gwei are spent: a charge one minute later must be refused.
        _expectValidateRevert(_costing(1000 gwei), _gasExceeded(1000 gwei));
    }

    /// @dev Days from midnight UTC (the epoch grid), as these scenarios state; a new key's default is its add time.
    function _epochAnchor() internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setRefreshAnchor, (uint48(0)));
    }

    function _gasExceeded(uint256 cost) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, 1000 gwei, 1000 gwei, cost);
    }

    function _costing(uint256 cost) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(_callF1(cost));
        op.accountGasLimits = _packGas(0, 0);
        op.preVerificationGas = 1;
        op.gasFees = _packGas(0, cost);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
    }

    function test_movedAnchorWithTheSameLimitsResent_noBudgetOpensEarly() public {
        uint256 midnight = (block.timestamp / DAY) * DAY;
        vm.warp(midnight + 13 hours);
        bytes[] memory limits = new bytes[](2);
        limits[0] = _nativeLimit(1 ether, DAY);
        limits[1] = _erc20Limit(address(token), 100e6, DAY);
        _addKey(sessionKey, _with(_with(_with(_openPermissions(), limits[0]), limits[1]), _epochAnchor()));
        bytes memory spendAll = _executeSingle(address(token), 1 ether, abi.encodeCall(token.transfer, (recipient, 100e6)));
        assertTrue(_trySend(_signedOp(spendAll, block.timestamp)), "spend the day's budgets");
        // The anchor and the same limits again, in one update (the anchor applies first whatever the order).
        bytes[] memory updates = new bytes[](3);
        updates[0] = limits[0];
        updates[1] = limits[1];
        updates[2] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(midnight + 13 hours + 1 minutes)));
        _update(sessionKey, updates);
        vm.warp(midnight + 13 hours + 1 minutes);
        assertFalse(_trySend(_signedOp(_transferCall(recipient, 1e6), block.timestamp)), "token: a second budget at 13:01");
        bytes memory value = _executeSingle(address(target), 1, abi.encodeCall(CallRecorder.f1, (1)));
        assertFalse(_trySend(_signedOp(value, block.timestamp)), "native: a second daily budget at 13:01");
        // At midnight the day ends: both open the period of the new anchor's grid, [13:01 today, 13:01 tomorrow).
        vm.warp(midnight + DAY);
        assertTrue(_trySend(_signedOp(spendAll, block.timestamp)), "a new day's budgets");
    }
}
