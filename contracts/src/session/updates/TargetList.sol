// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "./KeyUpdate.sol";

/**
 * @title TargetList
 * @notice Keeps every contract a session's permissions name enumerable on-chain: the first time an update gives a
 * contract an entry, the contract is appended to the session's target list (KIND_TARGET_LIST) and its entry records
 * its place ([6] listed | [40,64) index, in both entry layouts of {AccessList}). The count lives in the key-list entry,
 * which adding a key writes anyway. The list only grows; the lens shows each contract's entry as it is now (possibly
 * empty after the owner took it off).
 */
library TargetList {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    uint256 internal constant LISTED = 1 << 6;
    uint256 private constant INDEX_SHIFT = 40;

    function isListed(uint256 entry) internal pure returns (bool) {
        return entry & LISTED != 0;
    }

    /// @notice The contract's place in the session's target list (meaningful when {isListed}).
    function indexOf(uint256 entry) internal pure returns (uint256) {
        return (entry >> INDEX_SHIFT) & SessionKeyStorage.MASK_24;
    }

    /// @notice `entry`, with `target` appended to the session's target list if it is not on it yet.
    function enumerate(KeyUpdate memory u, address target, uint256 entry) internal returns (uint256) {
        if (entry & LISTED != 0) return entry;
        uint256 listEntry = u.keyListEntry();
        uint256 count = listEntry.targetCountOf();
        SessionKeyStorage.targetListSlot(u.account, u.sessionId(), count).store(uint160(target));
        u.setKeyListEntry(listEntry.withTargetCount(count + 1));
        return entry | LISTED | (count << INDEX_SHIFT);
    }
}
