// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TimeRange} from "./TimeRange.sol";
import {NativeSpendLimit} from "./NativeSpendLimit.sol";
import {CallPolicy} from "./CallPolicy.sol";

/**
 * @title ArgumentSpendLimit
 * @notice The argument-limit permission of a call policy: the unsigned sum of one argument over the key's calls to a
 * function, in total or per fixed period (the same period rules as every budget). Each call of a batch counts.
 * Removing a limit keeps its state, so setting it again continues from what was used.
 * @dev The function's header ({CallPolicy}, [224,253)) lists the limited arguments (index and whether active); each
 * argument's budget has its own slot (KIND_ARGUMENT_BUDGET) in the layout of the native budget ({NativeSpendLimit}):
 * [0,32) refresh interval | [32,64) start of the period `used` belongs to | [64,160) limit | [160,256) used.
 */
library ArgumentSpendLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice At most this many limited arguments per function.
    uint256 internal constant MAX_LIMITS = 3;
    /// @notice The largest limit the module stores; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 96) - 1;

    function limitCount(uint256 header) internal pure returns (uint256) {
        return (header >> 224) & 3;
    }

    /// @notice Limit `k`'s argument index and whether it is active.
    function limitAt(uint256 header, uint256 k) internal pure returns (uint256 argIndex, bool active) {
        uint256 bits = header >> (226 + 9 * k);
        return (bits & 0xff, (bits >> 8) & 1 != 0);
    }

    // ================================================================== check and charge (validation)

    /**
     * @notice Charges the call's arguments to every active argument limit of the function (its `header`).
     * @return narrowed The window narrowed to every period charged.
     */
    function charge(
        address account,
        uint256 record,
        uint256 header,
        address target,
        bytes4 selector,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) internal returns (uint256 narrowed) {
        narrowed = window;
        uint256 count = limitCount(header);
        for (uint256 k; k < count; ++k) {
            (uint256 argIndex, bool active) = limitAt(header, k);
            if (!active) continue;
            uint256 amount = CallPolicy.argumentOf(target, selector, data, argIndex);
            uint256 slot = SessionKeyStorage.argumentBudgetSlot(account, record.sessionId(), target, selector, argIndex);
            (uint256 budget, uint256 charged, uint256 limit, uint256 used, bool fits) =
                NativeSpendLimit.chargeBudget(slot.load(), record.refreshAnchor(), amount, statedTime, narrowed);
            if (!fits) {
                revert ISessionKeyModule.ArgumentSpendLimitExceeded(target, selector, argIndex, limit, used, amount);
            }
            narrowed = charged;
            slot.store(budget);
        }
    }

    // ================================================================== apply (management)

    /// @notice Applies `setArgumentSpendLimit` or `removeArgumentSpendLimit`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setArgumentSpendLimit.selector) {
            address target = u.targetArg(update, 0, 5);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 5);
            uint256 argIndex = CallPolicy.argIndexArg(u, update, 2, 5);
            uint256 limit = u.limitArg(update, 3, 5, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 4, 5);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            uint256 k = _find(header, argIndex);
            uint256 count = limitCount(header);
            if (k == count) {
                if (count == MAX_LIMITS) revert ISessionKeyModule.TooManyArgumentConditions(target, fn);
                header = (header & ~(uint256(3) << 224)) | ((count + 1) << 224);
            }
            header |= (argIndex | (1 << 8)) << (226 + 9 * k);
            uint256 budgetSlot = SessionKeyStorage.argumentBudgetSlot(u.account, u.sessionId(), target, fn, argIndex);
            budgetSlot.store(NativeSpendLimit.rebase(budgetSlot.load(), limit, interval, u.record.refreshAnchor(), now_));
            CallPolicy.store(u, target, fn, slot, header);
        } else if (selector == Updates.removeArgumentSpendLimit.selector) {
            address target = u.targetArg(update, 0, 3);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 3);
            uint256 argIndex = CallPolicy.argIndexArg(u, update, 2, 3);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            uint256 k = _find(header, argIndex);
            // The budget's state is kept (its slot is untouched); an argument never limited changes nothing.
            if (k != limitCount(header)) CallPolicy.store(u, target, fn, slot, header & ~(uint256(1) << (234 + 9 * k)));
        } else {
            return false;
        }
        return true;
    }

    /// @dev The place of `argIndex` among the function's limits; the count when it has none.
    function _find(uint256 header, uint256 argIndex) private pure returns (uint256 k) {
        uint256 count = limitCount(header);
        for (; k < count; ++k) {
            (uint256 limited,) = limitAt(header, k);
            if (limited == argIndex) return k;
        }
    }

    // ================================================================== status (lens)

    /// @notice An argument's budget now (`now_`), as the lens reports it.
    function status(bool active, uint256 record, uint256 budget, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        uint256 limit = NativeSpendLimit.limit(budget);
        uint256 used = NativeSpendLimit.usedAt(budget, now_);
        return TimeRange.budgetStatus(
            active,
            limit,
            used,
            used >= limit ? 0 : limit - used,
            NativeSpendLimit.refreshInterval(budget),
            NativeSpendLimit.periodStart(budget),
            SessionKeyStorage.refreshAnchor(record),
            now_
        );
    }
}
