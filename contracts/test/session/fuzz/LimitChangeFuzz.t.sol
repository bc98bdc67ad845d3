// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {
    ISessionKeyPermissionUpdates as Updates
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder, Reference} from "./SessionFuzzHelpers.sol";

/**
 * @dev Fuzz tests of changing a limit (amount, interval) or the refresh anchor while a budget has been spent, for each
 * kind of limit (ERC-20, native, gas), against a model written from the interface:
 * - a change keeps what was spent in the current period at the time of the change: the new budget's period is the
 *   current one of the new interval and anchor, and its spend is the old budget's spend now (0 once its period is over);
 * - a limit lowered below the spend leaves a debt: nothing can be spent, the view shows remaining 0 and the real spend,
 *   and raising the limit again gives back only the difference;
 * - setting the anchor moves the native and gas budgets the same way; an ERC-20 budget keeps its stored period until
 *   it refreshes (a charge in a period starting after it starts from the whole limit).
 * Gas budgets are whole gwei (SpendLimitFuzz.t.sol has the rounding).
 */
contract LimitChangeFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_TS = Reference.MAX_TIMESTAMP;
    uint256 internal constant GWEI = Reference.GWEI;
    uint256 internal constant ERC20 = 0;
    uint256 internal constant NATIVE = 1;
    uint256 internal constant GAS = 2;

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
        return kind == ERC20 ? Reference.MAX_ERC20_LIMIT : kind == NATIVE ? Reference.MAX_NATIVE_LIMIT : Reference.MAX_GAS_LIMIT;
    }

    function _cap(Model memory m) internal pure returns (uint256) {
        return m.kind == GAS ? Reference.gasCapGwei(m.limit) : m.limit;
    }

    function _units(uint256 kind, uint256 amount) internal pure returns (uint256) {
        return kind == GAS ? Reference.gasChargeGwei(amount) : amount;
    }

    function _usedNow(Model memory m) internal view returns (uint256) {
        return Reference.usedAt(m.used, m.stored, m.interval, m.anchor, block.timestamp);
    }

    /// @dev setXxxSpendLimit(limit, interval) now.
    function _modelSet(Model memory m, uint256 limit, uint256 interval) internal view {
        m.used = _usedNow(m);
        m.stored = Reference.budgetStart(block.timestamp, m.anchor, interval);
        (m.limit, m.interval) = (limit, interval);
    }

    /// @dev setRefreshAnchor(anchor) now: native and gas budgets move to the new periods with their spend now; an
    /// ERC-20 budget stays as it is.
    function _modelAnchor(Model memory m, uint256 anchor) internal view {
        if (m.kind != ERC20) {
            m.used = _usedNow(m);
            m.stored = Reference.budgetStart(block.timestamp, anchor, m.interval);
        }
        m.anchor = anchor;
    }

    /// @dev Charges `amount` (wei or token units) in the period of `statedTime`; false when refused.
    function _modelCharge(Model memory m, uint256 amount, uint256 statedTime)
        internal
        pure
        returns (bool ok, uint256 usedBefore)
    {
        uint256 start = Reference.budgetStart(statedTime, m.anchor, m.interval);
        usedBefore = m.interval != 0 && start > m.stored ? 0 : m.used;
        // The module charges no native budget for an op sending nothing, and no gas budget for an op costing nothing.
        if (amount == 0 && m.kind != ERC20) return (true, usedBefore);
        uint256 cap = _cap(m);
        uint256 units = _units(m.kind, amount);
        ok = usedBefore <= cap && units <= cap - usedBefore;
        if (ok) {
            m.used = usedBefore + units;
            if (start > m.stored) m.stored = start;
        }
    }

    // ------------------------------------------------------------------ the module

    function _limitUpdate(uint256 kind, uint256 limit, uint256 interval) internal view returns (bytes memory) {
        if (kind == ERC20) return _erc20Limit(address(token), limit, interval);
        return kind == NATIVE ? _nativeLimit(limit, interval) : _gasLimit(limit, interval);
    }

    function _anchorUpdate(uint256 anchor) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
    }

    function _status(uint256 kind) internal view returns (ISessionKeyModule.SpendLimitStatus memory) {
        if (kind == ERC20) return _erc20Status(sessionKey, address(token));
        ISessionKeyModule.SessionKeyInfo memory info = module.getSessionKeyInfo(address(account), sessionKey);
        return kind == NATIVE ? info.nativeTokenSpend : info.gasSpend;
    }

    /// @dev An op spending `amount` of the budget: a token transfer, a call sending value, or an op whose maximum gas
    /// cost is `amount` wei (1 gas × `amount` wei per gas) paid by the account.
    function _op(uint256 kind, uint256 amount, uint256 statedTime) internal view returns (PackedUserOperation memory op) {
        if (kind == ERC20) return _signedOp(_transferCall(recipient, amount), statedTime);
        if (kind == NATIVE) {
            return _signedOp(_executeSingle(address(target), amount, abi.encodeCall(CallRecorder.f1, (1))), statedTime);
        }
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
        return abi.encodeWithSelector(ISessionKeyModule.GasSpendLimitExceeded.selector, m.limit, usedBefore * GWEI, amount);
    }

    /// @dev Validates an op spending `amount` now: accepted iff the model accepts it; refused with the exact numbers.
    function _spend(Model memory m, uint256 amount) internal returns (bool ok) {
        PackedUserOperation memory op = _op(m.kind, amount, block.timestamp);
        uint256 usedBefore;
        (ok, usedBefore) = _modelCharge(m, amount, block.timestamp);
        if (ok) _validateOp(op);
        else _expectValidateRevert(op, _exceeded(m, usedBefore, amount));
    }

    /// @dev What still fits now, in wei or token units (whole gwei for gas).
    function _fits(Model memory m) internal view returns (uint256) {
        uint256 used = _usedNow(m);
        uint256 cap = _cap(m);
        uint256 left = used >= cap ? 0 : cap - used;
        return m.kind == GAS ? left * GWEI : left;
    }

    function _assertMatches(Model memory m, string memory when) internal view {
        ISessionKeyModule.SpendLimitStatus memory s = _status(m.kind);
        uint256 used = _usedNow(m);
        if (m.kind == GAS) used *= GWEI;
        assertTrue(s.hasLimit, string.concat(when, ": hasLimit"));
        assertEq(s.limit, m.limit, string.concat(when, ": limit"));
        assertEq(s.used, used, string.concat(when, ": used"));
        assertEq(s.remaining, used >= m.limit ? 0 : m.limit - used, string.concat(when, ": remaining"));
        assertEq(s.refreshInterval, m.interval, string.concat(when, ": interval"));
        uint256 start;
        uint256 next;
        if (m.interval != 0) {
            uint256 end;
            (start, end) = Reference.period(block.timestamp, m.anchor, m.interval);
            next = end + 1;
        }
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

    // ------------------------------------------------------------------ tests

    /// A limit set, spent, then changed (amount, interval, anchor, in any order, at any later time): every view and
    /// every charge afterwards follows the model, now and in later periods.
    function testFuzz_limitChange_keepsCurrentPeriodSpend(uint8 kind, uint256[4] memory first, uint256[5] memory second)
        public
    {
        Model memory m;
        m.kind = kind % 3;
        // The first limit, with an anchor, at any 32-bit time; spent once or twice.
        vm.warp(bound(first[0], 1, MAX_TS));
        uint256 anchor = bound(first[1], 0, MAX_TS);
        uint256 interval = _interval(first[2]);
        uint256 limit = _limit(m.kind, first[3]);
        bytes[] memory updates = new bytes[](2);
        (updates[0], updates[1]) = (_anchorUpdate(anchor), _limitUpdate(m.kind, limit, interval));
        _update(sessionKey, updates);
        _modelAnchor(m, anchor);
        _modelSet(m, limit, interval);
        _assertMatches(m, "set");
        _spend(m, bound(second[0], 0, _fits(m)));
        vm.warp(_later(second[0] >> 128, m.interval));
        _spend(m, bound(second[1], 0, _fits(m) + 1));
        _assertMatches(m, "spent");

        // The change: a new limit and interval, a new anchor, or both in either order, now or later.
        vm.warp(_later(second[1] >> 128, m.interval));
        uint256 order = second[2] % 4;
        anchor = order == 0 ? m.anchor : bound(second[3], 0, MAX_TS);
        interval = _interval(second[3] >> 40);
        limit = _limit(m.kind, second[4]);
        if (order == 0) {
            _update(sessionKey, _one(_limitUpdate(m.kind, limit, interval)));
            _modelSet(m, limit, interval);
        } else if (order == 1) {
            _update(sessionKey, _one(_anchorUpdate(anchor)));
            _modelAnchor(m, anchor);
        } else if (order == 2) {
            (updates[0], updates[1]) = (_anchorUpdate(anchor), _limitUpdate(m.kind, limit, interval));
            _update(sessionKey, updates);
            _modelAnchor(m, anchor);
            _modelSet(m, limit, interval);
        } else {
            (updates[0], updates[1]) = (_limitUpdate(m.kind, limit, interval), _anchorUpdate(anchor));
            _update(sessionKey, updates);
            _modelSet(m, limit, interval);
            _modelAnchor(m, anchor);
        }
        _assertMatches(m, "changed");

        // Spending after the change: what fits, and one unit more (refused with the exact numbers).
        uint256 fits = _fits(m);
        assertTrue(_spend(m, fits) || (fits == 0 && m.kind == ERC20), "what fits is accepted");
        _assertMatches(m, "spent after the change");
        assertFalse(_spend(m, 1), "nothing more");
        // And in later periods.
        vm.warp(_later(second[4] >> 128, m.interval));
        _assertMatches(m, "later");
        _spend(m, bound(second[2] >> 8, 0, _fits(m) + 1));
        _assertMatches(m, "spent later");
    }

    /// A limit lowered below the spend leaves a debt: no spend at all (not even a zero ERC-20 amount), remaining 0,
    /// `used` the real spend; raising it again gives back exactly limit − spend, never more.
    function testFuzz_loweredThenRaisedLimit_neverGivesBackMoreThanLimitMinusSpend(
        uint8 kind,
        uint256 limit1,
        uint256 spend,
        uint256 limit2,
        uint256 limit3,
        bool refreshing
    ) public {
        Model memory m;
        m.kind = kind % 3;
        uint256 interval = refreshing ? DAY : 0;
        limit1 = bound(limit1, 1, _maxLimit(m.kind));
        _update(sessionKey, _one(_limitUpdate(m.kind, limit1, interval)));
        _modelSet(m, limit1, interval);

        // Spend something that fits (for gas, a whole number of gwei plus up to one gwei of rounding).
        uint256 fits1 = _fits(m);
        spend = bound(spend, 1, fits1 == 0 ? 1 : fits1);
        assertEq(_spend(m, spend), fits1 != 0, "what fits is accepted");
        uint256 usedUnits = m.used;
        uint256 usedView = m.kind == GAS ? usedUnits * GWEI : usedUnits;

        // Lower it, most of the time below the spend.
        limit2 = bound(limit2, 0, usedView == 0 ? limit1 : usedView - 1);
        _update(sessionKey, _one(_limitUpdate(m.kind, limit2, interval)));
        _modelSet(m, limit2, interval);
        _assertMatches(m, "lowered");
        ISessionKeyModule.SpendLimitStatus memory s = _status(m.kind);
        assertEq(s.used, usedView, "used is the real spend");
        if (usedView > limit2) {
            assertEq(s.remaining, 0, "a debt shows no remaining");
            assertFalse(_spend(m, 1), "a debt allows nothing");
            if (m.kind == ERC20) assertFalse(_spend(m, 0), "not even a zero token amount");
        }

        // Raise it (or not): what it gives back is exactly what exceeds the spend.
        limit3 = bound(limit3, 0, _maxLimit(m.kind));
        _update(sessionKey, _one(_limitUpdate(m.kind, limit3, interval)));
        _modelSet(m, limit3, interval);
        _assertMatches(m, "raised");
        uint256 cap3 = m.kind == GAS ? Reference.gasCapGwei(limit3) : limit3;
        uint256 back = cap3 > usedUnits ? cap3 - usedUnits : 0; // in charge units
        uint256 backWei = m.kind == GAS ? back * GWEI : back;
        assertEq(_fits(m), backWei, "model: given back");
        assertFalse(_spend(m, backWei + 1), "more than limit - spend");
        if (back != 0) assertTrue(_spend(m, backWei), "exactly limit - spend");
        assertFalse(_spend(m, 1), "and nothing after it");
        _assertMatches(m, "spent what was given back");
        assertLe(m.used, usedUnits > cap3 ? usedUnits : cap3, "total spend within the raised limit");
    }
}
