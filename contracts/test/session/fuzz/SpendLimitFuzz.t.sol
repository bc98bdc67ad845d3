// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {
    ISessionKeyPermissionUpdates as Updates
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of ERC-20, native and gas limits: random limits and sequences of amounts; the spend never exceeds
/// the limit; an excess reverts with the exact (limit, used, attempted); approve counts in full; batches sum.
contract SpendLimitFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_LIMIT = (1 << 104) - 1;
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
        limit = seed % 7 == 0 ? MAX_LIMIT : bound(limit, 0, 1e30);
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
                _validateOp(op);
                used += amount;
            }
            ISessionKeyModule.SpendLimitStatus memory s = _erc20Status(sessionKey, address(token));
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
        limit = bound(limit, 1, 1e30);
        usedBefore = bound(usedBefore, 0, limit);
        _update(sessionKey, _one(_erc20Limit(address(token), limit, 0)));
        if (usedBefore != 0) _validateOp(_signedOp(_transferCall(recipient, usedBefore), block.timestamp));

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
            _validateOp(op);
            assertEq(_erc20Status(sessionKey, address(token)).used, running, "the whole sum is charged");
        }
    }

    /// Through the EntryPoint: the recipient never receives more than the limit, and receives exactly what was accepted.
    function testFuzz_handleOps_erc20NeverMovesMoreThanLimit(uint256 limit, uint256 seed) public {
        limit = bound(limit, 0, 1e30);
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
        assertEq(_validateOp(_signedOp(_transferCall(recipient, amount), block.timestamp)), 0, "no limit");
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
        limit = bound(limit, 0, MAX_LIMIT);
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
                _validateOp(op);
                used += sum;
            }
            ISessionKeyModule.SessionKeyInfo memory info = module.getSessionKeyInfo(address(account), sessionKey);
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

    /// An op paid by the account counts (verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas; one
    /// with a paymaster counts nothing.
    function testFuzz_gasLimit_chargesMaximumCost(
        uint256 limit,
        uint64 vgl,
        uint64 cgl,
        uint64 pvg,
        uint64 maxFee,
        uint64 priority,
        bool sponsored,
        uint256 usedBefore
    ) public {
        limit = bound(limit, 0, MAX_LIMIT);
        usedBefore = bound(usedBefore, 0, limit);
        bytes[] memory updates = new bytes[](1);
        updates[0] = _gasLimit(limit, 0);
        _update(sessionKey, updates);
        if (usedBefore != 0) {
            // Reach usedBefore with an op of cost usedBefore (1 gas unit × usedBefore wei).
            PackedUserOperation memory first = _sessionOp(_callF1(0));
            first.accountGasLimits = _packGas(0, 0);
            first.preVerificationGas = 1;
            first.gasFees = _packGas(0, usedBefore);
            first.signature = _signSession(first, sessionKeyPk, block.timestamp);
            _validateOp(first);
        }

        PackedUserOperation memory op = _sessionOp(_callF1(1));
        op.accountGasLimits = _packGas(vgl, cgl);
        op.preVerificationGas = pvg;
        op.gasFees = _packGas(priority, maxFee);
        if (sponsored) op.paymasterAndData = abi.encodePacked(makeAddr("paymaster"), uint128(1e6), uint128(1e6));
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        uint256 cost = sponsored ? 0 : (uint256(vgl) + cgl + pvg) * maxFee;
        if (cost > limit - usedBefore) {
            _expectValidateRevert(
                op, abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, limit, usedBefore, cost)
            );
        } else {
            _validateOp(op);
        }
        ISessionKeyModule.SessionKeyInfo memory info = module.getSessionKeyInfo(address(account), sessionKey);
        assertEq(info.gasSpend.used, cost > limit - usedBefore ? usedBefore : usedBefore + cost, "gas used");
    }

    // ------------------------------------------------------------------ ranges

    /// Limits up to 2^104 - 1 are stored exactly; one more is refused with SpendLimitTooLarge and changes nothing.
    function testFuzz_limitRange(uint256 limit, uint8 which) public {
        which = which % 3;
        bytes memory update = which == 0
            ? _erc20Limit(address(token), limit, 0)
            : which == 1 ? _nativeLimit(limit, 0) : _gasLimit(limit, 0);
        bytes32 before = keccak256(
            abi.encode(module.getSessionKeyInfo(address(account), sessionKey), _erc20Status(sessionKey, address(token)))
        );
        if (limit > MAX_LIMIT) {
            vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, limit));
            _update(sessionKey, _one(update));
            bytes32 afterHash = keccak256(
                abi.encode(
                    module.getSessionKeyInfo(address(account), sessionKey), _erc20Status(sessionKey, address(token))
                )
            );
            assertEq(afterHash, before, "state changed by a refused update");
            return;
        }
        _update(sessionKey, _one(update));
        ISessionKeyModule.SessionKeyInfo memory info = module.getSessionKeyInfo(address(account), sessionKey);
        ISessionKeyModule.SpendLimitStatus memory s =
            which == 0 ? _erc20Status(sessionKey, address(token)) : which == 1 ? info.nativeTokenSpend : info.gasSpend;
        assertTrue(s.hasLimit, "hasLimit");
        assertEq(s.limit, limit, "limit");
        assertEq(s.remaining, limit, "remaining");
        assertEq(s.used, 0, "used");
    }
}
