// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder, Reference} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of ERC-20, native and gas limits: random limits and sequences of amounts; the spend never exceeds
/// the limit; an excess reverts with the exact (limit, used, attempted); approve counts in full; batches sum; gas
/// budgets are whole gwei and rounding never favours the key; each kind's maximum limit.
contract SpendLimitFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_ERC20_LIMIT = Reference.MAX_ERC20_LIMIT; // 2^96 - 1
    uint256 internal constant MAX_NATIVE_LIMIT = Reference.MAX_NATIVE_LIMIT; // 2^96 - 1
    uint256 internal constant MAX_GAS_LIMIT = Reference.MAX_GAS_LIMIT; // (2^42 - 1) gwei
    uint256 internal constant GWEI = Reference.GWEI;
    address internal spender = makeAddr("spender");

    function setUp() public override {
        super.setUp();
        _addKey(sessionKey, _openPermissions());
    }

    /// @dev A pseudo-random amount for step `i`: the exact remainder, one more, something below, or anything at all.
    function _amount(uint256 seed, uint256 i, uint256 remaining) internal pure returns (uint256) {
        uint256 r = uint256(keccak256(abi.encode(seed, i)));
        uint256 mode = r % 5;
        if (mode == 0) return remaining;
        if (mode == 1) return remaining + 1 + (r >> 8) % 1000;
        if (mode == 2) return remaining == 0 ? 0 : (r >> 8) % (remaining + 1);
        if (mode == 3) return (r >> 8) % 1e6;
        return r >> (r % 256); // anything, up to 2^256 - 1
    }

    function _erc20Call(bool isApprove, uint256 amount) internal view returns (bytes memory) {
        return isApprove
            ? abi.encodeCall(token.approve, (spender, amount))
            : abi.encodeCall(token.transfer, (recipient, amount));
    }

    // ------------------------------------------------------------------ ERC-20

    /// A sequence of transfers and approves (validated directly): each is accepted iff it fits, an excess reverts with
    /// the exact numbers, and the view's used/remaining follow.
    function testFuzz_erc20Sequence_neverExceedsLimit(uint256 limit, uint256 interval, uint256 seed) public {
        limit = seed % 7 == 0 ? MAX_ERC20_LIMIT : bound(limit, 0, MAX_ERC20_LIMIT);
        interval = seed % 2 == 0 ? 0 : bound(interval, 1, type(uint32).max);
        _update(sessionKey, _one(_erc20Limit(address(token), limit, interval)));
        uint256 used;
        for (uint256 i; i < 12; ++i) {
            uint256 amount = _amount(seed, i, limit - used);
            bool isApprove = uint256(keccak256(abi.encode(seed, i, "approve"))) % 2 == 0;
            PackedUserOperation memory op =
                _signedOp(_executeSingle(address(token), 0, _erc20Call(isApprove, amount)), block.timestamp);
            if (amount > limit - used) {
                _expectValidateRevert(
                    op,
                    abi.encodeWithSelector(
                        ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), limit, used, amount
                    )
                );
            } else {
                _validate(op);
                used += amount;
            }
            ISessionKeyLens.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
            assertEq(s.used, used, "used");
            assertEq(s.remaining, limit - used, "remaining");
            assertLe(s.used, limit, "used <= limit");
        }
    }

    /// A batch's ERC-20 amounts add up: the first call that takes the total over the limit reverts with the spend of
    /// the calls before it; otherwise the whole sum is charged.
    function testFuzz_erc20Batch_sumsItsCalls(
        uint256 limit,
        uint256 usedBefore,
        uint256[4] memory amounts,
        uint8 approves
    ) public {
        limit = bound(limit, 1, MAX_ERC20_LIMIT);
        usedBefore = bound(usedBefore, 0, limit);
        _update(sessionKey, _one(_erc20Limit(address(token), limit, 0)));
        if (usedBefore != 0) _validate(_signedOp(_transferCall(recipient, usedBefore), block.timestamp));

        Execution[] memory calls = new Execution[](4);
        uint256 running = usedBefore;
        int256 failing = -1;
        for (uint256 i; i < 4; ++i) {
            amounts[i] = bound(amounts[i], 0, limit);
            calls[i] = Execution(address(token), 0, _erc20Call((approves >> i) & 1 == 1, amounts[i]));
            if (failing < 0) {
                if (amounts[i] > limit - running) failing = int256(i);
                else running += amounts[i];
            }
        }
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), block.timestamp);
        if (failing >= 0) {
            _expectValidateRevert(
                op,
                abi.encodeWithSelector(
                    ISessionKeyModule.Erc20SpendLimitExceeded.selector,
                    address(token),
                    limit,
                    running,
                    amounts[uint256(failing)]
                )
            );
            assertEq(_erc20Status(sessionKey, address(token)).used, usedBefore, "nothing charged");
        } else {
            _validate(op);
            assertEq(_erc20Status(sessionKey, address(token)).used, running, "the whole sum is charged");
        }
    }

    /// Through the EntryPoint: the recipient never receives more than the limit, and receives exactly what was accepted.
    function testFuzz_handleOps_erc20NeverMovesMoreThanLimit(uint256 limit, uint256 seed) public {
        limit = bound(limit, 0, MAX_ERC20_LIMIT);
        token.mint(address(account), 3 * limit);
        _update(sessionKey, _one(_erc20Limit(address(token), limit, WEEK)));
        uint256 moved;
        for (uint256 i; i < 6; ++i) {
            uint256 amount = _amount(seed, i, limit - moved);
            if (amount > 1e31) amount = 1e31; // keep within the account's balance when accepted
            bool accepted = _trySend(_signedOp(_transferCall(recipient, amount), block.timestamp));
            assertEq(accepted, amount <= limit - moved, "accepted iff it fits");
            if (accepted) moved += amount;
            assertEq(token.balanceOf(recipient), moved, "moved");
            assertLe(token.balanceOf(recipient), limit, "never more than the limit");
        }
    }

    /// A limit of 0 is not "no limit": it refuses every positive amount; removing the limit allows any amount.
    function testFuzz_zeroLimitVersusNoLimit(uint256 amount) public {
        amount = bound(amount, 1, type(uint256).max);
        _update(sessionKey, _one(_erc20Limit(address(token), 0, 0)));
        _expectValidateRevert(
            _signedOp(_transferCall(recipient, amount), block.timestamp),
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), 0, 0, amount)
        );

        _update(sessionKey, _one(abi.encodeCall(Updates.removeErc20SpendLimit, (address(token)))));
        assertEq(_validate(_signedOp(_transferCall(recipient, amount), block.timestamp)), 0, "no limit");
        assertFalse(_erc20Status(sessionKey, address(token)).hasLimit, "hasLimit");
    }

    // ------------------------------------------------------------------ native token

    /// The values of a batch add up, across ops, against the native limit.
    function testFuzz_nativeBatches_sumValues(
        uint256 limit,
        uint256 interval,
        uint256[3] memory v1,
        uint256[3] memory v2
    ) public {
        limit = bound(limit, 0, MAX_NATIVE_LIMIT);
        interval = bound(interval, 0, type(uint32).max);
        _update(sessionKey, _one(_nativeLimit(limit, interval)));
        uint256 used;
        for (uint256 round; round < 2; ++round) {
            Execution[] memory calls = new Execution[](3);
            uint256 sum;
            for (uint256 i; i < 3; ++i) {
                uint256 v = bound(round == 0 ? v1[i] : v2[i], 0, limit / 2 + 1);
                sum += v;
                calls[i] = Execution(address(target), v, abi.encodeCall(CallRecorder.f1, (i)));
            }
            PackedUserOperation memory op = _signedOp(_executeBatch(calls), block.timestamp);
            if (sum != 0 && sum > limit - used) {
                _expectValidateRevert(
                    op,
                    abi.encodeWithSelector(ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, limit, used, sum)
                );
            } else {
                _validate(op);
                used += sum;
            }
            ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
            assertEq(info.nativeTokenSpend.used, used, "native used");
            assertEq(info.nativeTokenSpend.remaining, limit - used, "native remaining");
        }
    }

    /// Through the EntryPoint: the ETH a key's ops send never exceeds the native limit.
    function testFuzz_handleOps_nativeNeverMovesMoreThanLimit(uint256 limit, uint256 seed) public {
        limit = bound(limit, 0, 10 ether);
        _update(sessionKey, _one(_nativeLimit(limit, DAY)));
        uint256 moved;
        for (uint256 i; i < 5; ++i) {
            uint256 value = _amount(seed, i, limit - moved);
            if (value > 20 ether) value = 20 ether;
            bool accepted = _trySend(
                _signedOp(_executeSingle(address(target), value, abi.encodeCall(CallRecorder.f2, (i))), block.timestamp)
            );
            assertEq(accepted, value <= limit - moved, "accepted iff it fits");
            if (accepted) moved += value;
            assertEq(address(target).balance, moved, "moved");
        }
        assertLe(address(target).balance, limit, "never more than the limit");
    }

    // ------------------------------------------------------------------ gas

    /// @dev An op whose maximum cost is exactly `cost` wei (1 gas at `cost` wei per gas), paid by the account.
    function _opCosting(uint256 cost, uint256 arg) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(_callF1(arg));
        op.accountGasLimits = _packGas(0, 0);
        op.preVerificationGas = 1;
        op.gasFees = _packGas(0, cost);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
    }

    function _gasExceeded(uint256 limit, uint256 usedGwei, uint256 cost) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, limit, usedGwei * GWEI, cost);
    }

    function _assertGasStatus(uint256 limit, uint256 usedGwei, string memory when) internal view {
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        (uint256 used, uint256 remaining) = Reference.gasStatus(limit, usedGwei);
        assertEq(info.gasSpend.limit, limit, string.concat(when, ": gas limit"));
        assertEq(info.gasSpend.used, used, string.concat(when, ": gas used (whole gwei)"));
        assertEq(info.gasSpend.remaining, remaining, string.concat(when, ": gas remaining"));
    }

    /// An op paid by the account counts (verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas,
    /// rounded up to whole gwei, against floor(limit / 1 gwei); one with a paymaster counts nothing. A refused op names
    /// the limit, what was used (whole gwei) and its exact cost. The view's remaining is what an op can still be charged
    /// (whole gwei).
    function testFuzz_gasLimit_chargesMaximumCost(
        uint256 limit,
        uint64 vgl,
        uint64 cgl,
        uint64 pvg,
        uint64 maxFee,
        uint64 priority,
        bool sponsored,
        uint256 costBefore
    ) public {
        limit = bound(limit, 0, MAX_GAS_LIMIT);
        costBefore = bound(costBefore, 0, limit);
        _update(sessionKey, _one(_gasLimit(limit, 0)));
        uint256 capGwei = Reference.gasCapGwei(limit);
        uint256 usedGwei;
        if (costBefore != 0) {
            // A first op of cost costBefore: it fits iff its whole gwei do (a limit of 1 wei allows nothing).
            PackedUserOperation memory first = _opCosting(costBefore, 0);
            if (Reference.gasChargeGwei(costBefore) > capGwei) {
                _expectValidateRevert(first, _gasExceeded(limit, 0, costBefore));
            } else {
                _validate(first);
                usedGwei = Reference.gasChargeGwei(costBefore);
            }
        }

        PackedUserOperation memory op = _sessionOp(_callF1(1));
        op.accountGasLimits = _packGas(vgl, cgl);
        op.preVerificationGas = pvg;
        op.gasFees = _packGas(priority, maxFee);
        if (sponsored) op.paymasterAndData = abi.encodePacked(makeAddr("paymaster"), uint128(1e6), uint128(1e6));
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        uint256 cost = sponsored ? 0 : (uint256(vgl) + cgl + pvg) * maxFee;
        uint256 costGwei = Reference.gasChargeGwei(cost); // 0 for a free op, which is not charged
        if (costGwei > capGwei - usedGwei) {
            _expectValidateRevert(op, _gasExceeded(limit, usedGwei, cost));
        } else {
            _validate(op);
            usedGwei += costGwei;
        }
        _assertGasStatus(limit, usedGwei, "after");
    }

    /// @dev A cost for step `i`: what still fits exactly, one wei more, one wei, a few gwei and a fraction, anything
    /// up to the limit.
    function _cost(uint256 seed, uint256 i, uint256 fitsWei, uint256 limit) internal pure returns (uint256) {
        uint256 r = uint256(keccak256(abi.encode(seed, i, "cost")));
        uint256 mode = r % 7;
        if (mode == 0) return fitsWei;
        if (mode == 1) return fitsWei + 1;
        if (mode == 2) return 1;
        if (mode == 3) return ((r >> 8) % 5) * GWEI + 1 + (r >> 16) % (GWEI - 1);
        if (mode == 4) return ((r >> 8) % 5 + 1) * GWEI;
        if (mode == 5) return limit;
        return (r >> 8) % (limit + 1);
    }

    /// Gas budgets are whole gwei and each op's maximum cost is charged rounded up, so rounding never favours the
    /// key: within a period the exact costs of the accepted ops never add up to more than the limit, whatever the limit
    /// (a limit below 1 gwei allows nothing) and the costs (1 wei uses a whole gwei). Each op is accepted iff its whole
    /// gwei fit; the views show the whole gwei used; the next period has floor(limit / 1 gwei) gwei again.
    function testFuzz_gasGweiRounding_neverFavoursTheKey(uint256 limit, bool refreshing, uint256 seed) public {
        uint256 mode = seed % 4;
        if (mode == 0) limit = bound(limit, 0, 3 * GWEI); // a few gwei, often with a fraction
        else if (mode == 1) limit = bound(limit, 1, 1000) * GWEI + (seed >> 8) % 3 - 1; // a whole number of gwei, ±1 wei
        else if (mode == 2) limit = bound(limit, 0, 1e6 * GWEI);
        else limit = bound(limit, 0, MAX_GAS_LIMIT);
        uint256 interval = refreshing ? DAY : 0;
        _update(sessionKey, _one(_gasLimit(limit, interval)));
        uint256 capGwei = Reference.gasCapGwei(limit);
        uint256 usedGwei;
        uint256 spentWei; // exact costs of the accepted ops
        for (uint256 i; i < 14; ++i) {
            uint256 cost = _cost(seed, i, (capGwei - usedGwei) * GWEI, limit);
            PackedUserOperation memory op = _opCosting(cost, i);
            uint256 costGwei = Reference.gasChargeGwei(cost);
            if (costGwei > capGwei - usedGwei) {
                _expectValidateRevert(op, _gasExceeded(limit, usedGwei, cost));
            } else {
                _validate(op);
                usedGwei += costGwei;
                spentWei += cost;
            }
            assertLe(spentWei, limit, "accepted costs within the limit");
            assertLe(spentWei, usedGwei * GWEI, "charged at least the exact cost");
            assertLt(usedGwei * GWEI, spentWei + GWEI * (i + 1), "less than a gwei of rounding per op");
            _assertGasStatus(limit, usedGwei, "in the period");
        }
        if (!refreshing) return;
        (, uint256 end) = Reference.period(block.timestamp, 0, DAY);
        vm.warp(end + 1);
        _assertGasStatus(limit, 0, "next period");
        if (capGwei != 0) _validate(_opCosting(capGwei * GWEI, 100));
        _expectValidateRevert(_opCosting(1, 101), _gasExceeded(limit, capGwei, 1));
        _assertGasStatus(limit, capGwei, "next period spent");
    }

    // ------------------------------------------------------------------ ranges

    /// Each kind stores limits up to its own maximum exactly (ERC-20 and native 2^96 - 1, gas (2^42 - 1) gwei);
    /// one more is refused with SpendLimitTooLarge(limit, maximum) and changes nothing.
    function testFuzz_limitRange(uint256 limit, uint8 which, uint8 mode) public {
        which = which % 3;
        uint256 max = which == 0 ? MAX_ERC20_LIMIT : which == 1 ? MAX_NATIVE_LIMIT : MAX_GAS_LIMIT;
        mode = mode % 4;
        if (mode == 0) limit = max - bound(limit, 0, 1000); // at the maximum or just below
        else if (mode == 1) limit = max + 1 + bound(limit, 0, 1000); // just above
        else if (mode == 2) limit = bound(limit, 0, max);
        // mode 3: any word
        bytes memory update = which == 0
            ? _erc20Limit(address(token), limit, 0)
            : which == 1 ? _nativeLimit(limit, 0) : _gasLimit(limit, 0);
        bytes32 before = keccak256(
            abi.encode(lens.getSessionKeyInfo(address(module), address(account), sessionKey), _erc20Status(sessionKey, address(token)))
        );
        if (limit > max) {
            vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, limit, max));
            _update(sessionKey, _one(update));
            bytes32 afterHash = keccak256(
                abi.encode(
                    lens.getSessionKeyInfo(address(module), address(account), sessionKey), _erc20Status(sessionKey, address(token))
                )
            );
            assertEq(afterHash, before, "state changed by a refused update");
            return;
        }
        _update(sessionKey, _one(update));
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        ISessionKeyLens.SpendLimitStatus memory s =
            which == 0 ? _erc20Status(sessionKey, address(token)) : which == 1 ? info.nativeTokenSpend : info.gasSpend;
        assertTrue(s.hasLimit, "hasLimit");
        assertEq(s.limit, limit, "limit");
        // Gas: what an op can be charged, whole gwei.
        assertEq(s.remaining, which == 2 ? Reference.gasCapGwei(limit) * GWEI : limit, "remaining");
        assertEq(s.used, 0, "used");
    }
}
