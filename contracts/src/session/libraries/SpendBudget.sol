// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title SpendBudget
 * @notice One spend limit and its state, packed in one slot so that charging it costs one read and one write:
 * [0,104) limit | [104,208) used | [208,256) start of the period `used` belongs to (0 for a lifetime limit).
 * @dev Shared by the native token, gas and ERC-20 limits. Refreshing never needs a reset call and cannot get stuck:
 * a charge in a later period than the stored one starts from zero. A charge that names an earlier period (only
 * possible after the owner changed the interval or anchor) keeps the stored spend, which is the conservative choice.
 */
library SpendBudget {
    uint256 internal constant MAX_LIMIT = (1 << 104) - 1;
    uint256 private constant MASK_104 = (1 << 104) - 1;

    function limit(uint256 budget) internal pure returns (uint256) {
        return budget & MASK_104;
    }

    function usedRaw(uint256 budget) internal pure returns (uint256) {
        return (budget >> 104) & MASK_104;
    }

    function periodStart(uint256 budget) internal pure returns (uint256) {
        return budget >> 208;
    }

    /// @notice What has been spent in the period starting at `start` (0 if the stored spend belongs to an earlier one).
    function usedIn(uint256 budget, uint256 start) internal pure returns (uint256) {
        return start > periodStart(budget) ? 0 : usedRaw(budget);
    }

    /// @notice The budget with another limit, keeping what was spent.
    function withLimit(uint256 budget, uint256 newLimit) internal pure returns (uint256) {
        return (budget & ~MASK_104) | newLimit;
    }

    /**
     * @notice Adds `amount` to the spend of the period starting at `start`.
     * @return updated The new packed budget (only meaningful when `ok`).
     * @return ok Whether the spend stays within the limit.
     * @return usedBefore What had been spent in the period before this charge.
     */
    function charge(uint256 budget, uint256 amount, uint256 start)
        internal
        pure
        returns (uint256 updated, bool ok, uint256 usedBefore)
    {
        uint256 stored = periodStart(budget);
        usedBefore = start > stored ? 0 : usedRaw(budget);
        uint256 limit_ = limit(budget);
        // `amount` is chosen by the op's signer: compare without overflow. `used` may exceed a since-lowered limit.
        if (usedBefore > limit_ || amount > limit_ - usedBefore) return (budget, false, usedBefore);
        updated = limit_ | ((usedBefore + amount) << 104) | ((start > stored ? start : stored) << 208);
        ok = true;
    }
}
