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

/**
 * @dev One budget (ERC-20, native, gas or call count) of the fuzz key, modelled as the interface describes it, and the ops and
 * views to compare the module with the model (LimitChangeFuzz.t.sol, RefreshRuleFuzz.t.sol):
 * - a refreshing budget charges its stored period [start, start + interval) until that period ends by its own clock (a
 *   stated time before it included); after that an op opens the period of its stated time on the anchor's grid, from
 *   the whole limit, never before the stored period's end (Reference.budgetPeriod); the op's window is that period;
 * - a change of limit or interval keeps the spend of the current period (0 once it is over by its own clock); with the
 *   same interval the running stored period goes on, otherwise (or once the stored period is over) the budget is in
 *   the period of now on the grid of the new interval and the key's anchor (Reference.startAfterChange);
 * - an anchor change moves no budget, of any kind: each keeps its stored period (and spend) until that period ends by
 *   its own clock, then follows the new grid (Reference.budgetPeriod); within one update call the anchor applies first.
 * The key has no other limit and an open time range, so an op's window is exactly its budget's period.
 */
abstract contract BudgetModelFuzzBase is SessionFuzzBase {
    uint256 internal constant MAX_TS = Reference.MAX_TIMESTAMP;
    uint256 internal constant GWEI = Reference.GWEI;
    uint256 internal constant ERC20 = 0;
    uint256 internal constant NATIVE = 1;
    uint256 internal constant GAS = 2;
    /// The call-count budget: an op's amount is its number of calls (a batch of that many). The module stores limits up
    /// to 2^32 - 1; the fuzz keeps them to a few dozen, so that spending one fits in a batch.
    uint256 internal constant CALLS = 3;
    uint256 internal constant FUZZ_MAX_CALLS = 40;

    /// @dev One budget as the interface describes it; `used` in charge units (gas: whole gwei).
    struct Model {
        uint256 kind;
        uint256 limit;
        uint256 interval;
        uint256 used;
        uint256 stored; // start of the period `used` belongs to
        uint256 anchor;
    }

    function setUp() public override {
        super.setUp();
        _addKey(sessionKey, _openPermissions()); // allow-all, no native or gas limit, no token limit
    }

    // ------------------------------------------------------------------ the model

    function _maxLimit(uint256 kind) internal pure returns (uint256) {
        if (kind == CALLS) return FUZZ_MAX_CALLS;
        return kind == ERC20
            ? Reference.MAX_ERC20_LIMIT
            : kind == NATIVE ? Reference.MAX_NATIVE_LIMIT : Reference.MAX_GAS_LIMIT;
    }

    function _cap(Model memory m) internal pure returns (uint256) {
        return m.kind == GAS ? Reference.gasCapGwei(m.limit) : m.limit;
    }

    function _units(uint256 kind, uint256 amount) internal pure returns (uint256) {
        return kind == GAS ? Reference.gasChargeGwei(amount) : amount;
    }

    function _usedNow(Model memory m) internal view returns (uint256) {
        return Reference.usedAt(m.used, m.stored, m.interval, block.timestamp);
    }

    /// @dev setXxxSpendLimit(limit, interval) now: the spend now, in the running stored period if the interval is the
    /// same, else in the period of now on the grid of the new interval and the key's anchor.
    function _modelSet(Model memory m, uint256 limit, uint256 interval) internal view {
        m.used = _usedNow(m);
        m.stored = Reference.startAfterChange(m.stored, m.interval, interval, m.anchor, block.timestamp);
        (m.limit, m.interval) = (limit, interval);
    }

    /// @dev setRefreshAnchor(anchor) now: every budget stays as it is (stored period and spend); only the grid its next
    /// period opens on changes.
    function _modelAnchor(Model memory m, uint256 anchor) internal pure {
        m.anchor = anchor;
    }

    /// @dev Charges `amount` (wei or token units) to the period an op stating `statedTime` charges
    /// (Reference.budgetPeriod); false when refused. [from, until] is the op's window (until 0: open).
    function _modelCharge(Model memory m, uint256 amount, uint256 statedTime)
        internal
        pure
        returns (bool ok, uint256 usedBefore, uint256 from, uint256 until)
    {
        usedBefore = m.used;
        // The module charges no native budget for an op sending nothing, and no gas budget for an op costing nothing (and
        // an op makes at least one call: no op charges no calls).
        if (amount == 0 && m.kind != ERC20) return (true, usedBefore, 0, 0);
        uint256 start = m.stored;
        if (m.interval != 0) {
            bool refreshed;
            (start, from, until, refreshed) = Reference.budgetPeriod(m.stored, m.interval, m.anchor, statedTime);
            if (refreshed) usedBefore = 0;
        }
        uint256 cap = _cap(m);
        uint256 units = _units(m.kind, amount);
        ok = usedBefore <= cap && units <= cap - usedBefore;
        if (ok) (m.used, m.stored) = (usedBefore + units, start);
    }

    // ------------------------------------------------------------------ the module

    function _limitUpdate(uint256 kind, uint256 limit, uint256 interval) internal view returns (bytes memory) {
        if (kind == ERC20) return _erc20Limit(address(token), limit, interval);
        if (kind == CALLS) return abi.encodeCall(Updates.setCallLimit, (limit, uint48(interval)));
        return kind == NATIVE ? _nativeLimit(limit, interval) : _gasLimit(limit, interval);
    }

    function _anchorUpdate(uint256 anchor) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
    }

    function _status(uint256 kind) internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        if (kind == ERC20) return _erc20Status(sessionKey, address(token));
        if (kind == CALLS) return lens.getCallLimit(address(module), address(account), sessionKey);
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        return kind == NATIVE ? info.nativeTokenSpend : info.gasSpend;
    }

    /// @dev An op spending `amount` of the budget: a token transfer, a call sending value, or an op whose maximum gas
    /// cost is `amount` wei (1 gas × `amount` wei per gas) paid by the account.
    function _op(uint256 kind, uint256 amount, uint256 statedTime)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        if (kind == ERC20) {
            return _signedOp(_transferCall(recipient, amount), statedTime);
        }
        if (kind == NATIVE) {
            return _signedOp(_executeSingle(address(target), amount, abi.encodeCall(CallRecorder.f1, (1))), statedTime);
        }
        if (kind == CALLS) return _signedOp(_calls(amount), statedTime);
        op = _sessionOp(_callF1(amount));
        op.accountGasLimits = _packGas(0, 0);
        op.preVerificationGas = 1;
        op.gasFees = _packGas(0, amount);
        op.signature = _signSession(op, sessionKeyPk, statedTime);
    }

    function _exceeded(Model memory m, uint256 usedBefore, uint256 amount) internal view returns (bytes memory) {
        if (m.kind == ERC20) {
            return abi.encodeWithSelector(
                ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), m.limit, usedBefore, amount
            );
        }
        if (m.kind == NATIVE) {
            return abi.encodeWithSelector(
                ISessionKeyModule.NativeTokenSpendLimitExceeded.selector, m.limit, usedBefore, amount
            );
        }
        if (m.kind == CALLS) {
            return abi.encodeWithSelector(ISessionKeyModule.CallLimitExceeded.selector, m.limit, usedBefore, amount);
        }
        return
            abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, m.limit, usedBefore * GWEI, amount);
    }

    /// @dev An op making `n` calls: one call, or a batch of n.
    function _calls(uint256 n) internal view returns (bytes memory) {
        if (n == 1) return _callF1(1);
        Execution[] memory calls = new Execution[](n);
        for (uint256 i; i < n; ++i) {
            calls[i] = Execution(address(target), 0, abi.encodeCall(CallRecorder.f1, (i)));
        }
        return _executeBatch(calls);
    }

    /// @dev An op spending `amount` now: accepted iff the model accepts it, with the model's window (which holds now);
    /// refused with the exact numbers.
    function _spend(Model memory m, uint256 amount) internal returns (bool ok) {
        (ok,) = _sendStating(m, amount, block.timestamp);
    }

    /// @dev What still fits now (for an op stating now), in wei or token units (whole gwei for gas).
    function _fits(Model memory m) internal view returns (uint256) {
        uint256 used = _usedNow(m);
        uint256 cap = _cap(m);
        uint256 left = used >= cap ? 0 : cap - used;
        return m.kind == GAS ? left * GWEI : left;
    }

    function _assertMatches(Model memory m, string memory when) internal view {
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        uint256 used = _usedNow(m);
        uint256 remaining = used >= m.limit ? 0 : m.limit - used;
        if (m.kind == GAS) (used, remaining) = Reference.gasStatus(m.limit, used);
        assertTrue(s.hasLimit, string.concat(when, ": hasLimit"));
        assertEq(s.limit, m.limit, string.concat(when, ": limit"));
        assertEq(s.used, used, string.concat(when, ": used"));
        assertEq(s.remaining, remaining, string.concat(when, ": remaining"));
        assertEq(s.remaining, _fits(m), string.concat(when, ": remaining is what an op can be charged"));
        assertEq(s.refreshInterval, m.interval, string.concat(when, ": interval"));
        (uint256 start, uint256 next) = Reference.viewPeriod(m.stored, m.interval, m.anchor, block.timestamp);
        assertEq(s.periodStart, start, string.concat(when, ": periodStart"));
        assertEq(s.nextRefresh, next, string.concat(when, ": nextRefresh"));
    }

    function _interval(uint256 r) internal pure returns (uint256) {
        uint256 mode = r % 6;
        if (mode == 0) return 0;
        if (mode == 1) return 1 + (r >> 8) % 120;
        if (mode == 2) return DAY;
        if (mode == 3) return WEEK;
        return 1 + (r >> 8) % Reference.MAX_INTERVAL;
    }

    /// @dev A limit of the kind: mostly small enough to spend in a few ops, sometimes up to the maximum; for gas often
    /// not a whole number of gwei.
    function _limit(uint256 kind, uint256 r) internal pure returns (uint256) {
        if (kind == CALLS) return (r >> 8) % (FUZZ_MAX_CALLS + 1);
        uint256 mode = r % 4;
        if (mode == 0) return (r >> 8) % 1000;
        if (mode == 1) return (r >> 8) % (1000 * GWEI);
        if (mode == 2) return (r >> 8) % (_maxLimit(kind) + 1);
        return _maxLimit(kind);
    }

    function _later(uint256 r, uint256 interval) internal view returns (uint256) {
        uint256 span = interval == 0 ? 30 days : 3 * interval;
        return _min(block.timestamp + r % (span + 1), MAX_TS);
    }

    /// @dev An op spending `amount` and stating `statedTime`, validated now as the EntryPoint would run it: refused with
    /// the exact numbers, or accepted with the model's window. An op whose window does not hold now never runs: the
    /// EntryPoint drops it and its charge with it (the state is put back, and so is the model).
    /// @return runs Whether the op runs now (and was charged).
    /// @return validationData The module's validation data (0 when refused).
    function _sendStating(Model memory m, uint256 amount, uint256 statedTime)
        internal
        returns (bool runs, uint256 validationData)
    {
        if (m.kind == CALLS && amount == 0) return (true, 0); // no op makes no calls: nothing to send
        PackedUserOperation memory op = _op(m.kind, amount, statedTime);
        (uint256 used, uint256 stored) = (m.used, m.stored);
        (bool ok, uint256 usedBefore, uint256 from, uint256 until) = _modelCharge(m, amount, statedTime);
        if (!ok) {
            _expectValidateRevert(op, _exceeded(m, usedBefore, amount));
            return (false, 0);
        }
        uint256 snapshot = vm.snapshotState();
        validationData = _validate(op);
        assertEq(validationData, _expectedValidationData(from, until), "window: the charged period");
        runs = Reference.executesAt(validationData, block.timestamp);
        if (!runs) {
            vm.revertToState(snapshot);
            (m.used, m.stored) = (used, stored);
        }
    }
}
