// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates, ArgumentOperator} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {CallPolicy} from "./CallPolicy.sol";

/**
 * @title ArgumentConditions
 * @notice The argument-condition permission of a call policy: conditions (`argument <operator> value`, unsigned or
 * signed) and one-of sets on a function's static argument words, all of which must hold for every call of the key to
 * the function. Argument n is the word at 4 + 32n; calldata too short to hold it is refused, never read as zero.
 * Words are compared whole, so an address with dirty high bits never equals a clean address.
 * @dev Each condition's operator and argument index sit in the function's header ({CallPolicy}, [129,180)), its value
 * in its own slot (KIND_POLICY_VALUE, place k). A one-of set's argument index and size sit in the header ([180,224));
 * membership is one slot per (function, argument, value) (KIND_ONE_OF_MEMBER), so a set of any size costs one read per
 * call, and the values are listed (KIND_POLICY_VALUE, place (s + 1) << 6 | j) for the lens and for removal.
 */
library ArgumentConditions {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @notice At most this many conditions, one-of sets and values per set in one function.
    uint256 internal constant MAX_CONDITIONS = 4;
    uint256 internal constant MAX_SETS = 3;
    uint256 internal constant MAX_SET_VALUES = 63;
    uint256 private constant OPERATORS = uint256(type(ArgumentOperator).max) + 1;
    /// @dev Conditions and sets in the header: [129,224).
    uint256 private constant RULE_BITS = ((uint256(1) << 95) - 1) << 129;

    function conditionCount(uint256 header) internal pure returns (uint256) {
        return (header >> 129) & 7;
    }

    /// @notice Condition `k`'s argument index and operator.
    function conditionAt(uint256 header, uint256 k) internal pure returns (uint256 argIndex, uint256 operator) {
        uint256 bits = header >> (132 + 12 * k);
        return (bits & 0xff, (bits >> 8) & 0xf);
    }

    function setCount(uint256 header) internal pure returns (uint256) {
        return (header >> 180) & 3;
    }

    /// @notice One-of set `s`'s argument index and size.
    function setAt(uint256 header, uint256 s) internal pure returns (uint256 argIndex, uint256 size) {
        uint256 bits = header >> (182 + 14 * s);
        return (bits & 0xff, (bits >> 8) & 0x3f);
    }

    /// @notice The place of value `j` of set `s` among the function's policy values.
    function setValuePlace(uint256 s, uint256 j) internal pure returns (uint256) {
        return ((s + 1) << 6) | j;
    }

    // ================================================================== check (validation)

    /// @notice Reverts unless every condition and one-of set of the function (its `header`) holds for `data`.
    function check(address account, uint256 sessionId, uint256 header, address target, bytes4 selector, bytes calldata data)
        internal
        view
    {
        uint256 count = conditionCount(header);
        for (uint256 k; k < count; ++k) {
            (uint256 argIndex, uint256 operator) = conditionAt(header, k);
            uint256 actual = CallPolicy.argumentOf(target, selector, data, argIndex);
            uint256 allowed = SessionKeyStorage.policyValueSlot(account, sessionId, target, selector, k).load();
            if (!holds(operator, actual, allowed)) {
                revert ISessionKeyModule.ArgumentConditionFailed(
                    target, selector, argIndex, uint8(operator), bytes32(allowed), bytes32(actual)
                );
            }
        }
        count = setCount(header);
        for (uint256 s; s < count; ++s) {
            (uint256 argIndex,) = setAt(header, s);
            bytes32 actual = bytes32(CallPolicy.argumentOf(target, selector, data, argIndex));
            if (SessionKeyStorage.oneOfMemberSlot(account, sessionId, target, selector, argIndex, actual).load() == 0) {
                revert ISessionKeyModule.ArgumentNotOneOf(target, selector, argIndex, actual);
            }
        }
    }

    /// @notice Whether `actual <operator> allowed` holds ({ArgumentOperator}; operators are checked at update time).
    function holds(uint256 operator, uint256 actual, uint256 allowed) internal pure returns (bool ok) {
        // Assembly: one switch, signed comparisons without casts.
        assembly ("memory-safe") {
            switch operator
            case 0 { ok := eq(actual, allowed) }
            case 1 { ok := iszero(eq(actual, allowed)) }
            case 2 { ok := lt(actual, allowed) }
            case 3 { ok := iszero(gt(actual, allowed)) }
            case 4 { ok := gt(actual, allowed) }
            case 5 { ok := iszero(lt(actual, allowed)) }
            case 6 { ok := slt(actual, allowed) }
            case 7 { ok := iszero(sgt(actual, allowed)) }
            case 8 { ok := sgt(actual, allowed) }
            case 9 { ok := iszero(slt(actual, allowed)) }
            default { ok := 0 }
        }
    }

    // ================================================================== apply (management)

    /// @notice Applies `addArgumentCondition`, `addArgumentOneOf` or `removeArgumentConditions`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal returns (bool handled) {
        if (selector == Updates.addArgumentCondition.selector) {
            address target = u.targetArg(update, 0, 5);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 5);
            uint256 argIndex = CallPolicy.argIndexArg(u, update, 2, 5);
            uint256 operator = u.arg(update, 3, 5);
            if (operator >= OPERATORS) revert ISessionKeyModule.InvalidArgumentOperator(operator);
            uint256 value = u.arg(update, 4, 5);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            uint256 k = conditionCount(header);
            if (k == MAX_CONDITIONS) revert ISessionKeyModule.TooManyArgumentConditions(target, fn);
            SessionKeyStorage.policyValueSlot(u.account, u.sessionId(), target, fn, k).store(value);
            header = (header & ~(uint256(7) << 129)) | ((k + 1) << 129);
            header |= (argIndex | (operator << 8)) << (132 + 12 * k);
            CallPolicy.store(u, target, fn, slot, header);
        } else if (selector == Updates.addArgumentOneOf.selector) {
            address target = u.targetArg(update, 0, 4);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 4);
            uint256 argIndex = CallPolicy.argIndexArg(u, update, 2, 4);
            bytes32 value = bytes32(u.arg(update, 3, 4));
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            CallPolicy.store(u, target, fn, slot, _addOneOf(u, header, target, fn, argIndex, value));
        } else if (selector == Updates.removeArgumentConditions.selector) {
            address target = u.targetArg(update, 0, 2);
            bytes4 fn = CallPolicy.selectorArg(u, update, 1, 2);
            (uint256 slot, uint256 header) = CallPolicy.load(u, target, fn);
            // Nothing to remove changes nothing: storing the header would list the function and flag its contract.
            if (header & RULE_BITS != 0) CallPolicy.store(u, target, fn, slot, _removeAll(u, header, target, fn));
        } else {
            return false;
        }
        return true;
    }

    /// @dev Adds `value` to the set of `argIndex` (creating the set); a value already in it changes nothing.
    function _addOneOf(KeyUpdate memory u, uint256 header, address target, bytes4 fn, uint256 argIndex, bytes32 value)
        private
        returns (uint256)
    {
        uint256 sessionId = u.sessionId();
        uint256 memberSlot = SessionKeyStorage.oneOfMemberSlot(u.account, sessionId, target, fn, argIndex, value);
        if (memberSlot.load() != 0) return header;
        uint256 sets = setCount(header);
        uint256 s;
        uint256 size;
        for (; s < sets; ++s) {
            uint256 setArg;
            (setArg, size) = setAt(header, s);
            if (setArg == argIndex) break;
        }
        if (s == sets) {
            if (sets == MAX_SETS) revert ISessionKeyModule.TooManyArgumentConditions(target, fn);
            header = (header & ~(uint256(3) << 180)) | ((sets + 1) << 180);
            size = 0;
        }
        if (size == MAX_SET_VALUES) revert ISessionKeyModule.TooManyArgumentConditions(target, fn);
        SessionKeyStorage.policyValueSlot(u.account, sessionId, target, fn, setValuePlace(s, size)).store(uint256(value));
        memberSlot.store(1);
        uint256 shift = 182 + 14 * s;
        return (header & ~(uint256(0x3fff) << shift)) | ((argIndex | ((size + 1) << 8)) << shift);
    }

    /// @dev Drops every condition and one-of set (clearing the sets' membership slots, so a later set starts empty).
    function _removeAll(KeyUpdate memory u, uint256 header, address target, bytes4 fn) private returns (uint256) {
        uint256 sessionId = u.sessionId();
        uint256 sets = setCount(header);
        for (uint256 s; s < sets; ++s) {
            (uint256 argIndex, uint256 size) = setAt(header, s);
            for (uint256 j; j < size; ++j) {
                bytes32 value = bytes32(
                    SessionKeyStorage.policyValueSlot(u.account, sessionId, target, fn, setValuePlace(s, j)).load()
                );
                SessionKeyStorage.oneOfMemberSlot(u.account, sessionId, target, fn, argIndex, value).store(0);
            }
        }
        return header & ~RULE_BITS;
    }
}
