// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {Reference} from "./SessionFuzzHelpers.sol";
import {BudgetModelFuzzBase} from "./BudgetModelBase.sol";

/**
 * @dev Fuzz tests of changing a limit (amount, interval) or the refresh anchor while a budget has been spent, for each
 * kind of limit (ERC-20, native, gas), against the model of BudgetModelFuzzBase:
 * - a change keeps what was spent in the current period at the time of the change: its spend is the old budget's spend
 *   now (0 once its stored period is over by its own clock, [start, start + interval)); with the same interval the
 *   running stored period goes on (a limit re-sent never opens a period early), otherwise the new budget's period is
 *   the period of now on the grid of the new interval and the key's anchor;
 * - a limit lowered below the spend leaves a debt: nothing can be spent, the view shows remaining 0 and the real spend,
 *   and raising the limit again gives back only the difference;
 * - setting the anchor moves no budget, of any kind: each keeps its stored period until that period ends by its own
 *   clock; the next charge then opens the period of its stated time on the new grid, from the whole limit, never
 *   before the stored period ended;
 * - within one update call the anchor applies first, whatever the order of the updates (a new interval then starts
 *   on the new anchor's grid; the same interval still keeps the running period);
 * - every accepted charge's validity window is its budget's period (Reference.budgetPeriod).
 * Gas budgets are whole gwei (SpendLimitFuzz.t.sol has the rounding).
 */
contract LimitChangeFuzzTest is BudgetModelFuzzBase {
    // ------------------------------------------------------------------ tests

    /// A limit set, spent, then changed (amount, interval, anchor, in any order, at any later time): every view and
    /// every charge (and its window) afterwards follows the model, now and in later periods.
    function testFuzz_limitChange_keepsCurrentPeriodSpend(uint8 kind, uint256[4] memory first, uint256[5] memory second)
        public
    {
        Model memory m;
        m.kind = kind % 4;
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
        // A third of the time the same interval (the running period must go on), otherwise any.
        interval = (second[3] >> 200) % 3 == 0 ? m.interval : _interval(second[3] >> 40);
        limit = _limit(m.kind, second[4]);
        // The anchor alone, or a limit with the same interval, while the stored period runs: it must go on.
        bool keepsPeriod =
            (order == 1 || interval == m.interval) && m.interval != 0 && block.timestamp < m.stored + m.interval;
        ISessionKeyLens.SpendLimitStatus memory before = _status(m.kind);
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
            // The anchor is listed after the limit, but applies first: the limit starts its period from it.
            (updates[0], updates[1]) = (_limitUpdate(m.kind, limit, interval), _anchorUpdate(anchor));
            _update(sessionKey, updates);
            _modelAnchor(m, anchor);
            _modelSet(m, limit, interval);
        }
        if (keepsPeriod) _assertPeriodGoesOn(m.kind, before);
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

    /// @dev Read from the module only: the budget is still in the period it was in before the change, with its spend.
    function _assertPeriodGoesOn(uint256 kind, ISessionKeyLens.SpendLimitStatus memory before) internal view {
        ISessionKeyLens.SpendLimitStatus memory s = _status(kind);
        assertEq(s.periodStart, before.periodStart, "the running period goes on");
        assertEq(s.nextRefresh, before.nextRefresh, "until its own end");
        assertEq(s.used, before.used, "with its spend");
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
        m.kind = kind % 4;
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
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
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
