// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {AccessList} from "./AccessList.sol";
import {TimeRange} from "./TimeRange.sol";

/**
 * @title Erc20SpendLimit
 * @notice The ERC-20 permission: on a token with a limit, only `transfer` and `approve` may be called, in every
 * access-list mode, and both amounts count (approve at its full amount).
 * @dev Allowing anything else would reopen known bypasses: `transferFrom` after an approve, `increaseAllowance`, or
 * `permit`. The budget shares the token's entry ({AccessList}, budget layout), read for the call anyway:
 * [2] limited | [32,64) refresh interval | [64,96) start of the period it belongs to | [96,256) what remains of it,
 * signed (negative after the owner lowered the limit below what was already spent, so raising it again later gives
 * back only the difference). The limit itself, only needed when a period refreshes, has its own slot. Removing a
 * limit keeps the budget's state, so setting one again continues from what was spent.
 */
library Erc20SpendLimit {
    using SessionKeyStorage for uint256;

    uint256 internal constant LIMITED = 1 << 2;
    /// @notice The largest limit the module stores; remove the limit for "no limit".
    uint256 internal constant MAX_LIMIT = (1 << 159) - 1;

    function isLimited(uint256 entry) internal pure returns (bool) {
        return entry & LIMITED != 0;
    }

    /// @notice Start of the period the budget belongs to (0 for a token never limited).
    function periodStart(uint256 entry) internal pure returns (uint256) {
        return entry & AccessList.BUDGET_LAYOUT == 0 ? 0 : (entry >> 64) & SessionKeyStorage.MASK_32;
    }

    function refreshInterval(uint256 entry) internal pure returns (uint256) {
        return entry & AccessList.BUDGET_LAYOUT == 0 ? 0 : (entry >> 32) & SessionKeyStorage.MASK_32;
    }

    /**
     * @notice Charges a call to a limited token; reverts for any function but transfer and approve, or beyond the limit.
     * @param slot The token entry's slot; `entry` its value.
     * @return narrowed The window narrowed to the period charged.
     */
    function charge(
        address account,
        uint256 record,
        uint256 slot,
        uint256 entry,
        address token,
        bytes4 selector,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) internal returns (uint256 narrowed) {
        if ((selector != AccessList.TRANSFER && selector != AccessList.APPROVE) || data.length < 68) {
            revert ISessionKeyModule.Erc20FunctionNotAllowed(token, selector);
        }
        uint256 amount;
        assembly ("memory-safe") {
            amount := calldataload(add(data.offset, 36))
        }
        int256 remaining = _remaining(entry);
        uint256 interval = (entry >> 32) & SessionKeyStorage.MASK_32;
        narrowed = window;
        if (interval != 0) {
            uint256 start;
            bool refreshed;
            (narrowed, start, refreshed) = TimeRange.narrowToBudgetPeriod(
                window, statedTime, (entry >> 64) & SessionKeyStorage.MASK_32, record.refreshAnchor(), interval
            );
            // A new period starts from the whole limit: budgets refresh by themselves and never get stuck.
            if (refreshed) {
                entry = (entry & ~(SessionKeyStorage.MASK_32 << 64)) | (start << 64);
                remaining = int256(_limit(account, record, token));
            }
        }
        if (remaining < 0 || amount > uint256(remaining)) {
            uint256 limit_ = _limit(account, record, token);
            revert ISessionKeyModule.Erc20SpendLimitExceeded(token, limit_, _used(limit_, remaining), amount);
        }
        unchecked {
            SessionKeyStorage.store(slot, (entry & ((1 << 96) - 1)) | ((uint256(remaining) - amount) << 96));
        }
    }

    /**
     * @notice Sets a token's limit (switching its entry to the budget layout), keeping what was spent in the current
     * period (`now_`) when the token was limited before, and that period if the interval is unchanged
     * ({TimeRange-startAfterChange}). Returns the new entry; the limit's own slot is written here.
     */
    function set(
        address account,
        uint256 record,
        uint256 entry,
        address token,
        uint256 newLimit,
        uint256 newInterval,
        uint256 now_
    ) internal returns (uint256) {
        uint256 limitSlot = SessionKeyStorage.tokenLimitSlot(account, record.sessionId(), token);
        uint256 used;
        if (entry & AccessList.BUDGET_LAYOUT != 0) {
            (used,) = _usedAndRemaining(entry, SessionKeyStorage.load(limitSlot), now_);
        } else {
            entry = AccessList.toBudgetLayout(account, record.sessionId(), entry, token);
        }
        SessionKeyStorage.store(limitSlot, newLimit);
        uint256 start =
            TimeRange.startAfterChange(periodStart(entry), refreshInterval(entry), newInterval, record.refreshAnchor(), now_);
        // Both below 2^159: the difference fits the signed field.
        int256 remaining = int256(newLimit) - int256(used);
        return (entry & 0xffffffff) | LIMITED | (newInterval << 32) | (start << 64) | (uint256(remaining << 96));
    }

    /// @notice The entry without its limit (the budget's state is kept).
    function remove(uint256 entry) internal pure returns (uint256) {
        return entry & ~LIMITED;
    }

    /// @notice Limit, used and remaining at `now_`.
    function status(address account, uint256 record, uint256 entry, address token, uint256 now_)
        internal
        view
        returns (uint256 limit_, uint256 used, uint256 remaining)
    {
        if (entry & AccessList.BUDGET_LAYOUT == 0) return (0, 0, 0);
        limit_ = _limit(account, record, token);
        (used, remaining) = _usedAndRemaining(entry, limit_, now_);
    }

    /// @dev Used and remaining at `now_`: the whole limit once the stored period is over by its own clock.
    function _usedAndRemaining(uint256 entry, uint256 limit_, uint256 now_)
        private
        pure
        returns (uint256 used, uint256 remaining)
    {
        if (TimeRange.isOver(periodStart(entry), refreshInterval(entry), now_)) return (0, limit_);
        used = _used(limit_, _remaining(entry));
        remaining = used >= limit_ ? 0 : limit_ - used;
    }

    /// @dev The signed remaining amount in [96,256).
    function _remaining(uint256 entry) private pure returns (int256) {
        return int256(entry) >> 96;
    }

    function _used(uint256 limit_, int256 remaining) private pure returns (uint256) {
        // limit < 2^159 and |remaining| < 2^160: no overflow.
        return uint256(int256(limit_) - remaining);
    }

    function _limit(address account, uint256 record, address token) private view returns (uint256) {
        return SessionKeyStorage.load(SessionKeyStorage.tokenLimitSlot(account, record.sessionId(), token));
    }
}
