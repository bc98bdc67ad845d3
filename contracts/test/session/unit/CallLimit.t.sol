// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev The call-count limit: every call of an op counts (a batch counts each), in total or per fixed period; refusals
/// carry limit, used and attempted; it shares a slot with the gas budget.
contract CallLimitTest is UnitBase {
    uint256 internal constant MAX_CALL_LIMIT = (1 << 32) - 1;
    uint256 internal T0;

    function setUp() public override {
        super.setUp();
        T0 = block.timestamp;
    }

    function _callLimit(uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setCallLimit, (limit, uint48(interval)));
    }

    function _noCallLimit() internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeCallLimit, ());
    }

    function _batchOf(uint256 n) internal view returns (bytes memory) {
        Execution[] memory calls = new Execution[](n);
        for (uint256 i; i < n; ++i) {
            calls[i] = Execution(address(target), 0, hex"01");
        }
        return _executeBatch(calls);
    }

    function _oneCall() internal view returns (bytes memory) {
        return _call(address(target), 0, hex"01");
    }

    function _exceeded(uint256 limit, uint256 used, uint256 attempted) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.CallLimitExceeded.selector, limit, used, attempted);
    }

    function _calls() internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        return lens.getCallLimit(address(module), address(account), sessionKey);
    }

    function test_newKey_hasNoCallLimit() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        for (uint256 i; i < 5; ++i) {
            _sendSession(_batchOf(3));
        }
        assertEq(target.calls(), 15);
        _assertStatus(_calls(), false, 0, 0, 0, 0, 0, 0);
    }

    function test_lifetime_eachCallOfABatchCounts() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(5, 0)));
        _sendSession(_oneCall());
        _sendSession(_batchOf(3));
        _assertStatus(_calls(), true, 5, 4, 1, 0, 0, 0);
        // Two calls would pass the limit: refused with the numbers, nothing charged.
        _expectRunRevert(_batchOf(2), _exceeded(5, 4, 2));
        _sendSession(_oneCall());
        _expectRunRevert(_oneCall(), _exceeded(5, 5, 1));
        assertEq(target.calls(), 5);
        _assertStatus(_calls(), true, 5, 5, 0, 0, 0, 0);
    }

    function test_throughTheEntryPoint_refusedWithTheNumbers() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(2, DAY)));
        _sendSession(_batchOf(2));
        PackedUserOperation memory op = _signedOp(_oneCall(), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(2, 2, 1));
        _handleOp(op);
        assertEq(target.calls(), 2);
    }

    function test_refreshing_fixedPeriods() public {
        // Daily periods from the anchor: [T0 - 1 hour, …).
        uint256 anchor = T0 - 1 hours;
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _anchor(anchor), _callLimit(3, DAY)));
        _sendSession(_batchOf(3));
        _expectRunRevert(_oneCall(), _exceeded(3, 3, 1));
        _assertStatus(_calls(), true, 3, 3, 0, DAY, anchor, anchor + DAY);
        // The next period starts at anchor + DAY, whatever the time of the last call.
        vm.warp(anchor + DAY);
        _assertStatus(_calls(), true, 3, 0, 3, DAY, anchor + DAY, anchor + 2 * DAY);
        _sendSession(_batchOf(2));
        _assertStatus(_calls(), true, 3, 2, 1, DAY, anchor + DAY, anchor + 2 * DAY);
    }

    function test_windowNarrowedToThePeriodCharged() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(10, DAY)));
        uint256 start = _periodStart(T0, 0, DAY);
        assertEq(_runCall(_oneCall()), _vd(false, start - 1, start + DAY - 1));
    }

    function test_twoOpsOfTheKeyInOneBundle_seeEachOthersCalls() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(3, 0)));
        PackedUserOperation memory a = _laneOp(_batchOf(2), 1, 0);
        a.signature = _signSession(a, sessionKeyPk, T0);
        PackedUserOperation memory b = _laneOp(_batchOf(2), 2, 0);
        b.signature = _signSession(b, sessionKeyPk, T0);
        // Each alone fits; together they make four calls: the second op's validation is refused.
        _expectAA23(1, _exceeded(3, 2, 2));
        _handleOps(_two(a, b));
        assertEq(target.calls(), 0);
        // One call in the second op fits.
        b = _laneOp(_oneCall(), 2, 0);
        b.signature = _signSession(b, sessionKeyPk, T0);
        _handleOps(_two(a, b));
        assertEq(target.calls(), 3);
    }

    function test_removeAndSetAgain_keepsTheCallsMade() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(4, 0)));
        _sendSession(_batchOf(3));
        _update(sessionKey, _one(_noCallLimit()));
        _sendSession(_batchOf(5));
        _assertStatus(_calls(), false, 4, 3, 1, 0, 0, 0);
        _update(sessionKey, _one(_callLimit(4, 0)));
        _expectRunRevert(_batchOf(2), _exceeded(4, 3, 2));
        _sendSession(_oneCall());
    }

    function test_loweredBelowTheCallsMade_isADebt() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(10, 0)));
        _sendSession(_batchOf(6));
        _update(sessionKey, _one(_callLimit(4, 0)));
        _assertStatus(_calls(), true, 4, 6, 0, 0, 0, 0);
        _expectRunRevert(_oneCall(), _exceeded(4, 6, 1));
        // Raised again: only the difference comes back.
        _update(sessionKey, _one(_callLimit(8, 0)));
        _sendSession(_batchOf(2));
        _expectRunRevert(_oneCall(), _exceeded(8, 8, 1));
    }

    function test_zeroIsNotNoLimit() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(0, 0)));
        _expectRunRevert(_oneCall(), _exceeded(0, 0, 1));
    }

    function test_limitBounds() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(MAX_CALL_LIMIT, 0)));
        _assertStatus(_calls(), true, MAX_CALL_LIMIT, 0, MAX_CALL_LIMIT, 0, 0, 0);
        vm.prank(address(account));
        vm.expectRevert(
            abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, MAX_CALL_LIMIT + 1, MAX_CALL_LIMIT)
        );
        module.updateKeyPermissions(sessionKey, _one(_callLimit(MAX_CALL_LIMIT + 1, 0)));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdate.selector, 0));
        module.updateKeyPermissions(sessionKey, _one(abi.encodePacked(Updates.removeCallLimit.selector, uint256(1))));
    }

    /// @dev The first call limit moves the gas budget into the slot it shares with the call budget: its spend, period
    /// and limit carry over exactly.
    function test_gasBudgetMovesWithItsSpend() public {
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _gasLimit(DEFAULT_OP_COST * 3, DAY)));
        _sendSession(_oneCall());
        ISessionKeyLens.SpendLimitStatus memory gasBefore = _info(sessionKey).gasSpend;
        assertEq(gasBefore.used, DEFAULT_OP_COST);
        _update(sessionKey, _one(_callLimit(10, 0)));
        _assertStatusEq(_info(sessionKey).gasSpend, gasBefore, "gas after the move");
        _sendSession(_oneCall());
        _sendSession(_oneCall());
        _expectRunRevert(
            _oneCall(),
            abi.encodeWithSelector(
                ISessionKeyModule.GasSpendLimitExceeded.selector, DEFAULT_OP_COST * 3, DEFAULT_OP_COST * 3, DEFAULT_OP_COST
            )
        );
        _assertStatus(_calls(), true, 10, 2, 8, 0, 0, 0); // the op before the limit was set is not counted
        // A new gas limit lands in the shared slot too.
        _update(sessionKey, _one(_gasLimit(DEFAULT_OP_COST * 4, DAY)));
        _sendSession(_oneCall());
        assertEq(_info(sessionKey).gasSpend.used, DEFAULT_OP_COST * 4);
    }

    function test_rotationKeepsTheCallsMade_reAddStartsFresh() public {
        (address other,) = makeAddrAndKey("other");
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(5, 0)));
        _sendSession(_batchOf(4));
        vm.prank(address(account));
        module.rotateSessionKey(sessionKey, other);
        assertEq(lens.getCallLimit(address(module), address(account), other).used, 4);
        vm.prank(address(account));
        module.removeSessionKey(other);
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(5, 0)));
        _assertStatus(_calls(), true, 5, 0, 5, 0, 0, 0);
    }

    function test_refusedOpsChargeNothing() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(target)), _callLimit(5, 0)));
        // A batch whose second call is refused by the access list: no call is charged.
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(target), 0, hex"01");
        calls[1] = Execution(address(target2), 0, hex"01");
        _expectRunRevert(
            _executeBatch(calls), abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target2))
        );
        _assertStatus(_calls(), true, 5, 0, 5, 0, 0, 0);
    }
}
