// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TimeRange} from "./TimeRange.sol";
import {CallPolicy} from "./CallPolicy.sol";

/**
 * @title FunctionCallLimit
 * @notice The function call-limit permission of a call policy: how many calls to one function of one contract the
 * key's ops may make, in total or per fixed period, beside the key-wide call limit ({CallLimit}). Each call of a batch
 * counts. Removing the limit keeps its state.
 * @dev The budget sits in the function's header ({CallPolicy}, [0,129)), which a call to the function reads anyway,
 * so a call-limited function costs one read and one write per call: [0,32) refresh interval | [32,64) start of the
 * period | [64,96) calls made in it (may exceed a lowered limit) | [96,128) limit | [128] limited.
 */
library FunctionCallLimit {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice The largest function call limit; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 32) - 1;
    uint256 internal constant LIMITED = 1 << 128;
    uint256 private constant BUDGET_MASK = (1 << 129) - 1;

    function isLimited(uint256 header) internal pure returns (bool) {
        return header & LIMITED != 0;
    }

    function refreshInterval(uint256 header) internal pure returns (uint256) {
        return header & SessionKeyStorage.MASK_32;
    }

    function periodStart(uint256 header) internal pure returns (uint256) {
        return (header >> 32) & SessionKeyStorage.MASK_32;
    }

    function limitOf(uint256 header) internal pure returns (uint256) {
        return (header >> 96) & SessionKeyStorage.MASK_32;
    }

    function _made(uint256 header) private pure returns (uint256) {
        return (header >> 64) & SessionKeyStorage.MASK_32;
    }

    // ================================================================== check and charge (validation)

    /**
     * @notice Charges one call to the function's budget (its `header`, call-limited) in the period containing
     * `statedTime`.
     * @return updated The header with the charge (the caller stores it).
     * @return narrowed The window narrowed to the period charged.
     */
    function charge(uint256 header, uint256 anchor, address target, bytes4 selector, uint256 statedTime, uint256 window)
        internal
        pure
        returns (uint256 updated, uint256 narrowed)
    {
        uint256 made = _made(header);
        uint256 interval = header & SessionKeyStorage.MASK_32;
        narrowed = window;
        if (interval != 0) {
            uint256 start;
            bool refreshed;
            (narrowed, start, refreshed) = TimeRange.narrowToBudgetPeriod(window, statedTime, periodStart(header), anchor, interval);
            if (refreshed) {
                header = (header & ~(SessionKeyStorage.MASK_32 << 32)) | (start << 32);
                made = 0;
            }
        }
        uint256 limit = limitOf(header);
        if (made >= limit) revert ISessionKeyModule.FunctionCallLimitExceeded(target, selector, limit, made, 1);
        // made < limit < 2^32: the count stays in its field.
        updated = (header & ~(SessionKeyStorage.MASK_32 << 64)) | ((made + 1) << 64);
    }

    // ================================================================== apply (management)

    /// @notice Applies `setFunctionCallLimit` or `removeFunctionCallLimit`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update, uint256 now_)
        internal
        returns (bool handled)
    {
        if (selector == Updates.setFunctionCallLimit.selector) {
            address target = u.targetArg(update, 0, 4);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 4);
            uint256 limit = u.limitArg(update, 2, 4, MAX_LIMIT);
            uint256 interval = u.intervalArg(update, 3, 4);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            uint256 start =
                TimeRange.startAfterChange(periodStart(header), refreshInterval(header), interval, u.record.refreshAnchor(), now_);
            uint256 budget = LIMITED | interval | (start << 32) | (_madeAt(header, now_) << 64) | (limit << 96);
            CallPolicy.store(u, target, fn, slot, (header & ~BUDGET_MASK) | budget);
        } else if (selector == Updates.removeFunctionCallLimit.selector) {
            address target = u.targetArg(update, 0, 2);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 2);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            if (header & LIMITED != 0) CallPolicy.store(u, target, fn, slot, header & ~LIMITED); // state kept
        } else {
            return false;
        }
        return true;
    }

    /// @dev Calls made in the current period at `now_` (all of them for a lifetime limit): none once the stored period
    /// is over by its own clock.
    function _madeAt(uint256 header, uint256 now_) private pure returns (uint256) {
        if (TimeRange.isOver(periodStart(header), refreshInterval(header), now_)) return 0;
        return _made(header);
    }

    // ================================================================== status (lens)

    /// @notice The function's call budget now (`now_`), as the lens reports it.
    function status(uint256 record, uint256 header, uint256 now_)
        internal
        pure
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        uint256 limit = limitOf(header);
        uint256 made = _madeAt(header, now_);
        return TimeRange.budgetStatus(
            isLimited(header),
            limit,
            made,
            made >= limit ? 0 : limit - made,
            refreshInterval(header),
            periodStart(header),
            SessionKeyStorage.refreshAnchor(record),
            now_
        );
    }
}
