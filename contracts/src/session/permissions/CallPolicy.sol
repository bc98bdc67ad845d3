// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {TargetList} from "../updates/TargetList.sol";

/**
 * @title CallPolicy
 * @notice What the call-policy kinds share (docs/call-policies.md): the per-function header slot, the contract flag
 * that makes contracts without policies pay nothing, the reading of a call's arguments, and the enumeration of the
 * functions with a policy. The kinds themselves are {ArgumentConditions} (conditions and one-of sets),
 * {ArgumentSpendLimit} and {FunctionCallLimit}; {ValuePerCall} is key-wide.
 * @dev A contract's entry ({AccessList}) has bit 7 (HAS_POLICY) set once any of its functions has had a policy; only
 * then does a call to it read the function's header (KIND_CALL_POLICY), one slot holding every rule's place and the
 * function's call budget, so a function with a call limit and conditions is read once and written once per call:
 * [0,32) call refresh interval | [32,64) start of the period its calls belong to | [64,96) calls made in it | [96,128)
 * call limit | [128] call limited ({FunctionCallLimit}) | [129,132) condition count | [132,180) condition k at
 * 132 + 12k: argument index (8) ‖ operator (4) << 8 | [180,182) one-of set count | [182,224) set s at 182 + 14s:
 * argument index (8) ‖ value count (6) << 8 ({ArgumentConditions}) | [224,226) argument limit count | [226,253) limit k
 * at 226 + 9k: argument index (8) ‖ active (1) << 8 ({ArgumentSpendLimit}) | [255] on the contract's policy selector
 * list. A header is never zero once written, so 0 means "no policy".
 */
library CallPolicy {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice The contract-entry flag: some function of the contract has (or had) a call policy.
    uint256 internal constant HAS_POLICY = 1 << 7;
    uint256 internal constant LISTED = 1 << 255;

    // ================================================================== arguments (validation)

    /// @notice Argument word `argIndex` of a call's data (at 4 + 32 × argIndex); ArgumentMissing when the data is too
    /// short to hold it (never read as zero).
    function argumentOf(address target, bytes4 selector, bytes calldata data, uint256 argIndex)
        internal
        pure
        returns (uint256 word)
    {
        // argIndex < 256: no overflow.
        uint256 end = 36 + 32 * argIndex;
        if (data.length < end) revert ISessionKeyModule.ArgumentMissing(target, selector, argIndex, data.length);
        assembly ("memory-safe") {
            word := calldataload(add(data.offset, sub(end, 32)))
        }
    }

    // ================================================================== header (management)

    /// @notice A function's header slot and its value.
    function load(KeyUpdate memory u, address target, bytes4 selector) internal view returns (uint256 slot, uint256 header) {
        slot = SessionKeyStorage.callPolicySlot(u.account, u.sessionId(), target, selector);
        header = slot.load();
    }

    /**
     * @notice Stores a function's header; the first time, appends the function to its contract's policy selector list,
     * puts the contract on the session's target list and flags its entry, so validation starts reading the header.
     */
    function store(KeyUpdate memory u, address target, bytes4 selector, uint256 slot, uint256 header) internal {
        if (header & LISTED == 0) {
            header |= LISTED;
            uint256 sessionId = u.sessionId();
            uint256 countSlot = SessionKeyStorage.policySelectorsSlot(u.account, sessionId, target, 0);
            uint256 count = countSlot.load();
            uint256 groupSlot = SessionKeyStorage.policySelectorsSlot(u.account, sessionId, target, (count >> 3) + 1);
            uint256 shift = (count & 7) * 32;
            groupSlot.store(groupSlot.load() | (uint256(uint32(selector)) << shift));
            countSlot.store(count + 1);
            uint256 entrySlot = SessionKeyStorage.targetSlot(u.account, sessionId, target);
            entrySlot.store(TargetList.enumerate(u, target, entrySlot.load()) | HAS_POLICY);
        }
        slot.store(header);
    }

    /// @notice A function selector argument (left-aligned bytes4; its low 28 bytes must be zero).
    function selectorArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        pure
        returns (bytes4)
    {
        uint256 word = u.arg(update, n, count);
        if (word << 32 != 0) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
        return bytes4(bytes32(word));
    }

    /// @notice An argument index (uint8).
    function argIndexArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        pure
        returns (uint256 word)
    {
        word = u.arg(update, n, count);
        if (word > 0xff) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
    }

    // ================================================================== status (lens)

    /// @notice Selector `place` of a contract's policy selector list, from the group slot holding it
    /// (group `(place >> 3) + 1`).
    function selectorInGroup(uint256 group, uint256 place) internal pure returns (bytes4) {
        return bytes4(uint32(group >> ((place & 7) * 32)));
    }
}
