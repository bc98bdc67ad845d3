// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {Reference} from "./SessionFuzzHelpers.sol";
import {BudgetModelFuzzBase} from "./BudgetModelBase.sol";

/**
 * @dev Fuzz tests of the refresh rule, for each kind of budget (ERC-20, native, gas): a budget refreshes only when its
 * stored period [start, start + interval) has ended by its own clock.
 * - Anchor changes and limits re-sent with the same interval, at any time: a ledger of the budget's periods, built
 *   only from what the module returns (each op's window, the views), shows that no two periods overlap (a fresh period
 *   never opens before the previous one ended, by that period's own clock) and that the total charged to any one
 *   period never exceeds the limit. The strict form, for every kind of budget: neither change moves a running period
 *   (its start, its end, its spend); once it has ended, the next period opens no earlier than its end.
 * - A stated time before the stored period charges the stored period, and the op's window stays inside it.
 * Every step is also compared with the model of BudgetModelFuzzBase.
 */
contract RefreshRuleFuzzTest is BudgetModelFuzzBase {
    /// @dev A period of the budget as the module ran it: [from, end), and what was charged to it (charge units).
    struct Ledger {
        uint256 from;
        uint256 end;
        uint256 charged;
    }

    function _refreshingInterval(uint256 r) internal pure returns (uint256) {
        uint256[5] memory intervals = [uint256(60), 1 hours, DAY, WEEK, 1 + (r >> 8) % 30 days];
        return intervals[r % 5];
    }

    /// @dev A limit of a few dozen charge units (gas: whole gwei, and sometimes a fraction of one more).
    function _smallLimit(uint256 kind, uint256 r) internal pure returns (uint256) {
        uint256 units = 1 + r % 40;
        return kind == GAS ? units * GWEI + (r >> 8) % 3 * ((r >> 16) % GWEI) : units;
    }

    /// @dev The window [from, until] the validation data encodes (from 0 stands for 0 or 1).
    function _window(uint256 validationData) internal pure returns (uint256 from, uint256 until) {
        uint256 validAfter = _validAfter(validationData);
        return (validAfter == 0 ? 0 : validAfter + 1, _validUntil(validationData));
    }

    // ------------------------------------------------------------------ (1) no change overlaps periods

    /// A refreshing budget through random anchor changes, limits re-sent with the same interval (alone or with an
    /// anchor), time jumps and spends (stating now, a time before the stored period, its last second, the first second
    /// after it, or any nearby time): every op that runs is charged to one period of the ledger; while a period runs no
    /// other opens, a fresh one opens no earlier than the previous one's end, and no period is charged more than the
    /// limit in force.
    function testFuzz_anchorAndLimitChanges_periodsNeverOverlapNorExceedTheLimit(uint8 kind, uint256 seed) public {
        Model memory m;
        m.kind = kind % 4;
        uint256 r = uint256(keccak256(abi.encode(seed, "set")));
        uint256 interval = _refreshingInterval(r);
        // Any 32-bit time (the walk stays within it).
        vm.warp(bound(r >> 40, 1, MAX_TS - 80 * interval));
        uint256 limit = _smallLimit(m.kind, r >> 80);
        uint256 anchor = (r >> 120) % 3 == 0 ? bound(r >> 128, 0, MAX_TS) : block.timestamp - (r >> 128) % interval;
        bytes[] memory updates = new bytes[](2);
        (updates[0], updates[1]) = (_limitUpdate(m.kind, limit, interval), _anchorUpdate(anchor));
        _update(sessionKey, updates);
        _modelAnchor(m, anchor);
        _modelSet(m, limit, interval);

        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        Ledger memory l = Ledger(s.periodStart, s.nextRefresh, 0);
        for (uint256 i; i < 24; ++i) {
            uint256 ri = uint256(keccak256(abi.encode(seed, i)));
            uint256 action = ri % 9;
            if (action <= 1) _warp(m, l, ri >> 8);
            else if (action == 2) _moveAnchor(m, l, ri >> 8);
            else if (action == 3) _resendLimit(m, l, ri >> 8);
            else _spendAndRecord(m, l, ri >> 8);
            _assertMatches(m, string.concat("step ", vm.toString(i)));
        }
    }

    /// @dev A little, up to the period's own end (or just before or after it), or a few periods on.
    function _warp(Model memory m, Ledger memory l, uint256 r) internal {
        uint256 mode = r % 5;
        uint256 to = block.timestamp + 1 + (r >> 8) % 120;
        if (mode == 1) to = block.timestamp + 1 + (r >> 8) % m.interval;
        else if (mode == 2 && l.end > block.timestamp) to = l.end - 1 + (r >> 8) % 3;
        else if (mode == 3) to = block.timestamp + (r >> 8) % (3 * m.interval);
        vm.warp(_min(to, MAX_TS));
    }

    /// @dev A new anchor, near now or anywhere: near now it often puts a grid period boundary inside the running period.
    function _newAnchor(Model memory m, uint256 r) internal view returns (uint256) {
        return r % 3 == 0 ? bound(r >> 8, 0, MAX_TS) : _min(block.timestamp + (r >> 8) % (2 * m.interval), MAX_TS);
    }

    /// @dev A new anchor. No budget moves: the ledger's period goes on, with its spend, until its own end (the views say
    /// so); the next period opens on the new grid, no earlier than that end (checked by {_record}).
    function _moveAnchor(Model memory m, Ledger memory l, uint256 r) internal {
        uint256 anchor = _newAnchor(m, r);
        ISessionKeyLens.SpendLimitStatus memory before = _status(m.kind);
        _update(sessionKey, _one(_anchorUpdate(anchor)));
        _modelAnchor(m, anchor);
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        assertEq(s.used, before.used, "an anchor change keeps the spend");
        // (Once the ledger's period is over, the views show the period of now on the new grid: nothing to compare.)
        if (block.timestamp < l.end) _assertStillInLedgerPeriod(m, l, before, "anchor");
    }

    /// @dev The limit again, with the same interval and a new amount (more or less than what was charged), half the
    /// time with a new anchor in the same call. While the ledger's period runs it goes on, with its spend (the charges
    /// to it after this count against the new limit). Once it has ended, the budget is in the period of now on the
    /// grid, empty: the ledger opens it now, which is no earlier than the previous period's end.
    function _resendLimit(Model memory m, Ledger memory l, uint256 r) internal {
        uint256 limit = _smallLimit(m.kind, r);
        ISessionKeyLens.SpendLimitStatus memory before = _status(m.kind);
        if ((r >> 64) % 2 == 0) {
            _update(sessionKey, _one(_limitUpdate(m.kind, limit, m.interval)));
        } else {
            uint256 anchor = _newAnchor(m, r >> 72);
            bytes[] memory updates = new bytes[](2);
            (updates[0], updates[1]) = (_limitUpdate(m.kind, limit, m.interval), _anchorUpdate(anchor));
            _update(sessionKey, updates);
            _modelAnchor(m, anchor);
        }
        _modelSet(m, limit, m.interval);
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        if (block.timestamp < l.end) {
            assertEq(s.used, before.used, "a limit re-sent keeps the spend");
            _assertStillInLedgerPeriod(m, l, before, "limit re-sent");
        } else {
            // The new period's grid start may lie before the ledger's end, but nothing can be charged to it before now.
            assertEq(s.used, 0, "nothing spent in the period of now");
            (l.from, l.end, l.charged) = (block.timestamp, s.nextRefresh, 0);
        }
    }

    /// @dev Read from the module: the budget is still in the ledger's running period, as it was before the change.
    function _assertStillInLedgerPeriod(
        Model memory m,
        Ledger memory l,
        ISessionKeyLens.SpendLimitStatus memory before,
        string memory what
    ) internal view {
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        assertEq(s.periodStart, before.periodStart, string.concat(what, ": the running period goes on"));
        assertEq(s.nextRefresh, before.nextRefresh, string.concat(what, ": until its own end"));
        assertEq(s.nextRefresh, l.end, string.concat(what, ": the ledger's period"));
    }

    /// @dev An op spending from the budget (around what an op stating now can be charged), stating now or a time
    /// around the stored period; when it runs, the ledger checks which period it was charged to.
    function _spendAndRecord(Model memory m, Ledger memory l, uint256 r) internal {
        uint256 left = _status(m.kind).remaining;
        uint256 amount = (r >> 64) % 3 == 0 ? left + 1 : (r >> 64) % 3 == 1 ? left : (r >> 72) % (left + 1);
        if (m.kind != ERC20 && amount == 0) amount = 1; // a free op charges no native or gas budget
        (bool runs, uint256 validationData) = _sendStating(m, amount, _statedAround(m, r));
        if (runs) _record(m, l, _units(m.kind, amount), validationData);
    }

    /// @dev Now; a time before the stored period; its last second; the first second after it; any time nearby.
    function _statedAround(Model memory m, uint256 r) internal view returns (uint256 stated) {
        uint256 now_ = block.timestamp;
        uint256 mode = r % 8;
        stated = now_;
        if (mode == 1 && m.stored > 0) stated = m.stored - 1 - (r >> 8) % _min(m.stored, 3 * m.interval);
        else if (mode == 2) stated = m.stored + m.interval - 1;
        else if (mode == 3) stated = m.stored + m.interval;
        else if (mode == 4) stated = now_ + (r >> 8) % (2 * m.interval) - (r >> 40) % _min(now_, 2 * m.interval);
        return _min(stated, MAX_TS);
    }

    /// @dev An op that ran now was charged `units`: to the ledger's period while it runs, else to a fresh one, which
    /// must not open before the previous one ended.
    function _record(Model memory m, Ledger memory l, uint256 units, uint256 validationData) internal view {
        (uint256 from, uint256 until) = _window(validationData);
        if (block.timestamp < l.end) {
            assertEq(until + 1, l.end, "charged to the running period");
            l.charged += units;
        } else {
            assertGe(from, l.end, "a fresh period never opens before the previous one ended");
            (l.from, l.end, l.charged) = (from, until + 1, units);
        }
        assertLe(l.charged, _cap(m), "never more than the limit in one period");
        assertEq(_status(m.kind).nextRefresh, l.end, "the views show the ledger's period");
    }

    // ------------------------------------------------------------------ (2) a stated time before the stored period

    /// A budget set (and spent, and its anchor perhaps moved) some time ago; now, still inside its stored period, an op
    /// states a time before that period: it is charged to the stored period (the views' period does not change), its
    /// window is the stored period intersected with the key's range (inside the stored period), it runs iff now is in
    /// the key's range, and it cannot escape the stored period's spend (one unit over what remains is refused with
    /// the stored period's numbers).
    function testFuzz_statedTimeBeforeStoredPeriod_chargesItAndTheWindowStaysInside(
        uint8 kind,
        uint256 seed,
        uint256 stated,
        uint256 amount
    ) public {
        Model memory m;
        m.kind = kind % 4;
        (uint256 keyFrom, uint256 keyUntil) = _setUpSpentBudget(m, uint256(keccak256(abi.encode(seed))));
        // Later, still inside the stored period; a stated time before it.
        vm.warp(bound(seed, block.timestamp, m.stored + m.interval - 1));
        vm.assume(m.stored > 0);
        stated = bound(stated, 0, m.stored - 1);
        amount = bound(amount, m.kind == ERC20 ? 0 : 1, _fits(m));
        _assertChargedToTheStoredPeriod(m, stated, amount, keyFrom, keyUntil);

        // One unit over what remains, stating a time before the stored period: refused with its numbers.
        uint256 over = _fits(m) + 1;
        _expectValidateRevert(_op(m.kind, over, stated), _exceeded(m, m.used, over));
        _assertMatches(m, "nothing more");
    }

    /// @dev A refreshing budget set now with an anchor, perhaps spent once, perhaps given a new anchor afterwards (which
    /// moves no budget: the stored period goes on); then a key range around now.
    function _setUpSpentBudget(Model memory m, uint256 r) internal returns (uint256 keyFrom, uint256 keyUntil) {
        uint256 interval = _refreshingInterval(r);
        vm.warp(bound(r >> 40, 3 * interval, MAX_TS - 3 * interval));
        uint256 limit = _smallLimit(m.kind, r >> 80) + (m.kind == GAS ? GWEI : 1); // room for two charges
        uint256 anchor = bound(r >> 120, 0, MAX_TS);
        bytes[] memory updates = new bytes[](2);
        (updates[0], updates[1]) = (_limitUpdate(m.kind, limit, interval), _anchorUpdate(anchor));
        _update(sessionKey, updates);
        _modelAnchor(m, anchor);
        _modelSet(m, limit, interval);
        if ((r >> 200) % 2 == 0) _spend(m, m.kind == GAS ? GWEI : 1);
        if ((r >> 201) % 2 == 0) {
            anchor = bound(r >> 202, 0, MAX_TS);
            _update(sessionKey, _one(_anchorUpdate(anchor)));
            _modelAnchor(m, anchor);
        }
        (keyFrom, keyUntil) = _keyRange(r >> 160, interval);
        _update(sessionKey, _one(_timeRange(keyFrom, keyUntil)));
    }

    /// @dev Validates an op stating `stated` (before the stored period): charged to the stored period, which goes on;
    /// its window is the stored period intersected with the key's range; it runs iff now is in the key's range.
    function _assertChargedToTheStoredPeriod(
        Model memory m,
        uint256 stated,
        uint256 amount,
        uint256 keyFrom,
        uint256 keyUntil
    ) internal {
        uint256 storedEnd = m.stored + m.interval; // exclusive
        uint256 validationData = _validate(_op(m.kind, amount, stated));
        uint256 wFrom = m.stored > keyFrom ? m.stored : keyFrom;
        uint256 wUntil = _min(storedEnd - 1, keyUntil == 0 ? type(uint48).max : keyUntil);
        _assertWindowInside(validationData, wFrom, wUntil, m.stored, storedEnd);
        assertEq(
            Reference.executesAt(validationData, block.timestamp), _inRange(keyFrom, keyUntil), "runs iff in range"
        );
        ISessionKeyLens.SpendLimitStatus memory s = _status(m.kind);
        assertEq(s.periodStart, m.stored, "the stored period goes on");
        assertEq(s.nextRefresh, storedEnd, "until its own end");
        m.used += _units(m.kind, amount);
        _assertMatches(m, "charged to the stored period");
    }

    function _keyRange(uint256 r, uint256 interval) internal view returns (uint256 from, uint256 until) {
        uint256 now_ = block.timestamp;
        uint256 mode = r % 4;
        if (mode == 1) return (now_ - (r >> 8) % interval, now_ + (r >> 40) % (2 * interval));
        if (mode == 2) return (now_ + (r >> 8) % interval, 0);
        if (mode == 3) return (0, now_ + (r >> 40) % interval);
        return (0, 0);
    }

    function _inRange(uint256 from, uint256 until) internal view returns (bool) {
        return block.timestamp >= from && (until == 0 || block.timestamp <= until);
    }

    /// @dev The validation data is exactly the window [wFrom, wUntil] (empty: no block is in it), which lies inside the
    /// stored period [storedStart, storedEnd).
    function _assertWindowInside(
        uint256 validationData,
        uint256 wFrom,
        uint256 wUntil,
        uint256 storedStart,
        uint256 storedEnd
    ) internal view {
        if (wFrom <= wUntil) {
            assertEq(validationData, _expectedValidationData(wFrom, wUntil), "window");
            (uint256 from, uint256 until) = _window(validationData);
            assertGe(from, storedStart, "the window starts inside the stored period");
            assertLt(until, storedEnd, "and ends inside it");
        }
        uint256[7] memory probes =
            [storedStart - 1, storedStart, wFrom, block.timestamp, wUntil, storedEnd - 1, storedEnd];
        for (uint256 i; i < probes.length; ++i) {
            uint256 t = probes[i];
            if (t == 0) continue;
            assertEq(Reference.executesAt(validationData, t), wFrom <= t && t <= wUntil, "executes at probe");
        }
    }
}
