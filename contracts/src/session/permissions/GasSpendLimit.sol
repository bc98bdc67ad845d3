// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TimeRange} from "./TimeRange.sol";

/**
 * @title GasSpendLimit
 * @notice The gas permission, in wei. When the account pays, an op counts at its maximum cost, the prefund the
 * EntryPoint may take: (verificationGasLimit + callGasLimit + preVerificationGas) × maxFeePerGas. When a paymaster
 * pays, it counts nothing.
 * @dev A new key has a limit of zero (only sponsored ops) until the owner sets one or removes it. Charging the maximum
 * rather than the actual cost is what a validation-time check can know; unused gas is not credited back.
 *
 * The budget lives in the key's record, read by every op anyway: [149,181) refresh interval | [181,213) start of the
 * period it belongs to | [213,256) what remains of it, in whole gwei, signed (43 bits: limits up to about 4,398 ETH;
 * negative after the owner lowered the limit below what was already spent). For a key with FLAG_BUDGETS_SLOT it sits
 * at the same bits of the key's op budgets slot instead, beside its call-count budget ({CallLimit}), so one slot is
 * written per op. Costs are rounded up to the gwei, so the rounding never favours the key. The exact limit, only needed
 * when a period refreshes, is kept beside the key in its key-list entry (bits [160,232)).
 */
library GasSpendLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    uint256 internal constant GWEI = 1000000000;
    /// @notice The largest limit the module stores, in wei; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = ((1 << 42) - 1) * GWEI;
    uint256 private constant BUDGET_SHIFT = 149;

    function refreshInterval(uint256 record) internal pure returns (uint256) {
        return (record >> 149) & SessionKeyStorage.MASK_32;
    }

    function periodStart(uint256 record) internal pure returns (uint256) {
        return (record >> 181) & SessionKeyStorage.MASK_32;
    }

    /// @notice The signed remaining amount, in gwei.
    function remainingGwei(uint256 record) internal pure returns (int256) {
        return int256(record) >> 213;
    }

    /// @notice The exact limit, from the key's key-list entry.
    function limitOf(uint256 keyListEntry) internal pure returns (uint256) {
        return keyListEntry.gasLimitOf();
    }

    function _withBudget(uint256 record, uint256 interval, uint256 start, int256 remaining)
        private
        pure
        returns (uint256)
    {
        return (record & ((1 << BUDGET_SHIFT) - 1)) | (interval << 149) | (start << 181) | uint256(remaining << 213);
    }

    /// @notice The most the account can pay for `userOp` when no paymaster pays (the caller checks paymasterAndData).
    function maxCost(PackedUserOperation calldata userOp) internal pure returns (uint256 cost) {
        // Assembly: reads the three static fields straight from the op's calldata, once per op. Each gas limit is at
        // most 2^128 and preVerificationGas is checked below 2^128, so the sum cannot overflow; the product is checked.
        uint256 totalGas;
        uint256 maxFeePerGas;
        bool absurd;
        assembly ("memory-safe") {
            let limits := calldataload(add(userOp, 0x80))
            let preVerificationGas := calldataload(add(userOp, 0xa0))
            totalGas := add(add(shr(128, limits), and(limits, 0xffffffffffffffffffffffffffffffff)), preVerificationGas)
            absurd := gt(shr(128, preVerificationGas), 0)
            maxFeePerGas := and(calldataload(add(userOp, 0xc0)), 0xffffffffffffffffffffffffffffffff)
        }
        // Saturating: absurd gas fields then exceed any limit and fail with GasSpendLimitExceeded, not a panic.
        (bool ok, uint256 product) = Math.tryMul(totalGas, maxFeePerGas);
        return ok && !absurd ? product : type(uint256).max;
    }

    /**
     * @notice Charges `cost` (wei, > 0) to the key's budget in the period containing `statedTime`.
     * @param record The key's record (its refresh anchor, and its index to find the limit on a refresh).
     * @param word Where the budget is: the record itself, or the key's op budgets slot (FLAG_BUDGETS_SLOT).
     * @return updated `word` with the charge (the caller stores it).
     * @return narrowed The window narrowed to that period.
     */
    function charge(
        address account,
        uint256 generation,
        uint256 record,
        uint256 word,
        uint256 cost,
        uint256 statedTime,
        uint256 window
    ) internal view returns (uint256 updated, uint256 narrowed) {
        int256 remaining = remainingGwei(word);
        uint256 interval = refreshInterval(word);
        narrowed = window;
        if (interval != 0) {
            uint256 start;
            bool refreshed;
            (narrowed, start, refreshed) =
                TimeRange.narrowToBudgetPeriod(window, statedTime, periodStart(word), record.refreshAnchor(), interval);
            // A new period starts from the whole limit: budgets refresh by themselves and never get stuck.
            if (refreshed) {
                word = (word & ~(SessionKeyStorage.MASK_32 << 181)) | (start << 181);
                remaining = int256(_limit(account, generation, record) / GWEI);
            }
        }
        uint256 costGwei;
        assembly ("memory-safe") {
            costGwei := add(div(sub(cost, 1), GWEI), 1) // rounded up; cost > 0
        }
        if (remaining < 0 || costGwei > uint256(remaining)) {
            uint256 limit = _limit(account, generation, record);
            revert ISessionKeyModule.GasSpendLimitExceeded(limit, _usedWei(limit, remaining), cost);
        }
        unchecked {
            updated = (word & ((1 << 213) - 1)) | ((uint256(remaining) - costGwei) << 213);
        }
    }

    /**
     * @notice The record with a new limit or interval, keeping what was spent in the current period (`now_`): a lowered
     * limit leaves less (or a debt, when lowered below the spend), a raised one more. The period is the one that was
     * running if the interval is unchanged ({TimeRange-startAfterChange}).
     */
    function rebase(uint256 word, uint256 anchor, uint256 oldLimit, uint256 newLimit, uint256 newInterval, uint256 now_)
        internal
        pure
        returns (uint256)
    {
        // Limits are below 2^42 gwei and spend never exceeds a limit at the time: the differences fit 43 signed bits.
        int256 usedGwei = int256(oldLimit / GWEI) - _remainingNow(word, oldLimit, now_);
        int256 remaining = int256(newLimit / GWEI) - usedGwei;
        uint256 start = TimeRange.startAfterChange(periodStart(word), refreshInterval(word), newInterval, anchor, now_);
        return _withBudget(word, newInterval, start, remaining);
    }

    /// @notice Used and remaining, in wei, at time `now_`. `remaining` is what an op can still be charged: whole gwei,
    /// so with a limit that is not a whole number of gwei, used + remaining falls short of it by the fraction.
    function status(uint256 record, uint256 limit, uint256 now_)
        internal
        pure
        returns (uint256 used, uint256 remaining)
    {
        int256 remainingGwei_ = _remainingNow(record, limit, now_);
        used = _usedWei(limit, remainingGwei_);
        remaining = remainingGwei_ <= 0 ? 0 : uint256(remainingGwei_) * GWEI;
    }

    /// @dev What remains at `now_` in gwei: the whole limit once the stored period is over by its own clock.
    function _remainingNow(uint256 record, uint256 limit, uint256 now_) private pure returns (int256) {
        if (TimeRange.isOver(periodStart(record), refreshInterval(record), now_)) return int256(limit / GWEI);
        return remainingGwei(record);
    }

    /// @dev Spend in wei: the whole gwei spent, never above the limit unless the limit was lowered below the spend.
    function _usedWei(uint256 limit, int256 remaining) private pure returns (uint256) {
        int256 usedGwei = int256(limit / GWEI) - remaining;
        if (usedGwei <= 0) return 0;
        uint256 used = uint256(usedGwei) * GWEI;
        return remaining >= 0 && used > limit ? limit : used;
    }

    function _limit(address account, uint256 generation, uint256 record) private view returns (uint256) {
        return limitOf(SessionKeyStorage.load(SessionKeyStorage.keyListSlot(account, generation, record.index())));
    }

    // ================================================================== apply (management)

    /// @notice Applies `setGasSpendLimit` or `removeGasSpendLimit`: the limit goes to the key-list entry, the budget to
    /// wherever the key keeps it (the record, or its op budgets slot).
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setGasSpendLimit.selector) {
            uint256 limit = u.limitArg(update, 0, 2, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 1, 2);
            uint256 listEntry = u.keyListEntry();
            u.setKeyListEntry(listEntry.withGasLimit(limit));
            uint256 anchor = u.record.refreshAnchor();
            if (u.record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0) {
                u.record = rebase(u.record, anchor, limitOf(listEntry), limit, interval, now_);
            } else {
                uint256 slot = SessionKeyStorage.opBudgetsSlot(u.account, u.sessionId());
                slot.store(rebase(slot.load(), anchor, limitOf(listEntry), limit, interval, now_));
            }
            u.record = u.record.withFlag(SessionKeyStorage.FLAG_GAS_UNLIMITED, false);
        } else if (selector == Updates.removeGasSpendLimit.selector) {
            u.noArgs(update);
            u.record = u.record.withFlag(SessionKeyStorage.FLAG_GAS_UNLIMITED, true);
        } else {
            return false;
        }
        return true;
    }

    // ================================================================== status (lens)

    /// @notice The key's gas budget now (`now_`), as the lens reports it: from its record, the word that holds the
    /// budget (the record, or the op budgets slot with FLAG_BUDGETS_SLOT) and its key-list entry (the limit).
    function budget(uint256 record, uint256 word, uint256 keyListEntry, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        uint256 limit = limitOf(keyListEntry);
        (uint256 used, uint256 remaining) = status(word, limit, now_);
        return TimeRange.budgetStatus(
            record & SessionKeyStorage.FLAG_GAS_UNLIMITED == 0,
            limit,
            used,
            remaining,
            refreshInterval(word),
            periodStart(word),
            record.refreshAnchor(),
            now_
        );
    }
}
