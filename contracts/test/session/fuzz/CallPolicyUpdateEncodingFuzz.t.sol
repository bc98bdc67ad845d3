// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    ArgumentOperator
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {CallPolicyBase} from "../unit/CallPolicyBase.sol";
import {Reference, UpdateWords, UpdateErrors} from "./SessionFuzzHelpers.sol";

/**
 * @dev Fuzz tests of the encodings of the eleven updates UpdateEncodingFuzz.t.sol leaves alone: the key-wide call limit
 * and the nine call-policy updates (docs/call-policies.md). Random updates of those eleven, with words of their
 * declared types drawn from palettes of clean, boundary, out-of-range and dirty values (and wrong lengths), are fed to
 * updateKeyPermissions / addSessionKey. A reference decoder written from the interface and the docs predicts the
 * outcome: either the update applies exactly (the lens's call policies, call limit and per-call cap then equal a model
 * of the key, and nothing else of the key changes) or the call reverts with the predicted custom error and every view
 * of every key is unchanged.
 *
 * What the reference decoder takes from the docs: a wrong length is MalformedPermissionUpdate(index); arguments are
 * checked in order; an address word with high bits, a bytes4 word with low bits, an argument index or a uint48
 * interval word past its type are malformed; a target that is the zero address, the account, the module or an
 * EntryPoint is InvalidTarget; an operator word past the enum is InvalidArgumentOperator (as the list-type word is
 * InvalidAccessListType); call limits above 2^32 - 1 and argument limits above 2^96 - 1 are SpendLimitTooLarge;
 * intervals above 2^32 - 1 are RefreshIntervalTooLarge; then the function's room: 4 conditions, 3 one-of sets of up to
 * 63 values (a value already in its set adds nothing) and 3 argument limits, a removed limit keeping its place
 * (TooManyArgumentConditions). Removing an argument limit, a function call limit or the call limit keeps its state.
 * A removal of something that is not there changes nothing: only a rule lists a function (the lens lists a contract's
 * functions in the order they first got one) and puts a contract on the key's list.
 */
contract CallPolicyUpdateEncodingFuzzTest is CallPolicyBase {
    using UpdateWords for bytes;

    uint256 internal constant MAX_U32 = (1 << 32) - 1;
    uint256 internal constant MAX_U48 = (1 << 48) - 1;
    uint256 internal constant MAX_CALL_LIMIT = (1 << 32) - 1;
    uint256 internal constant MAX_ARGUMENT_LIMIT = (1 << 96) - 1;
    uint256 internal constant MAX_CONDITIONS = 4;
    uint256 internal constant MAX_SETS = 3;
    uint256 internal constant MAX_SET_VALUES = 63;
    uint256 internal constant MAX_ARGUMENT_LIMITS = 3;
    uint256 internal constant OPERATOR_COUNT = 10; // ArgumentOperator's members

    // ------------------------------------------------------------------ the model of a key

    /// @dev A budget as the interface describes it (the period rules of the ERC-20 limits, Reference).
    struct Budget {
        bool limited;
        uint256 limit;
        uint256 interval;
        uint256 used;
        uint256 stored; // start of the period `used` belongs to
    }

    struct Condition {
        uint256 argIndex;
        uint256 operator;
        bytes32 value;
    }

    struct OneOfSet {
        uint256 argIndex;
        bytes32[] values;
    }

    /// @dev An argument limit's place: kept (inactive, with its state) after removal.
    struct ArgumentLimit {
        uint256 argIndex;
        Budget budget;
    }

    struct FunctionModel {
        Condition[] conditions;
        OneOfSet[] sets;
        ArgumentLimit[] limits;
        Budget calls;
        uint256 setsRemoved; // how many times removeArgumentConditions emptied the sets (a member key's part)
    }

    struct FunctionRef {
        address target;
        bytes4 selector;
    }

    struct KeyModel {
        uint256 anchor;
        Budget calls;
        bool capped;
        uint256 maxValuePerCall;
        /// Every function an applied update named (those with a rule now are the lens's call policies).
        FunctionRef[] functions;
    }

    mapping(address key => KeyModel) internal models;
    mapping(address key => mapping(address target => mapping(bytes4 selector => FunctionModel))) internal functions;
    mapping(address key => mapping(address target => mapping(bytes4 selector => bool))) internal named;
    /// @dev Whether an addArgumentOneOf's value is in its set (see _memberId).
    mapping(bytes32 memberId => bool) internal isMember;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal newKey = makeAddr("newKey");

    /// @dev (target, PAY) holds 3 of its 4 conditions, 2 of its 3 sets and 2 of its 3 argument-limit places (one
    /// removed): one more of each fits, two do not. (target, MINT) holds 4 conditions and 3 argument-limit places (two
    /// removed), its room for both; it has a set of 5 values and room for 2 more sets.
    function setUp() public override {
        super.setUp();
        vm.warp(3 << 30); // late in 32-bit time (2072): long intervals have whole periods before now
        models[sessionKey].anchor = Reference.newKeyAnchor(block.timestamp);

        bytes[] memory updates = new bytes[](28);
        updates[0] = _allowTarget(address(target));
        updates[1] = _allowTarget(address(target2));
        updates[2] = _gasLimit(100 ether, DAY); // spent below: the call limit and the cap share its slot
        updates[3] = _noNativeLimit();
        updates[4] = _callLimit(20, WEEK);
        updates[5] = _fnCallLimit(address(target), PAY, 10, DAY);
        updates[6] = _argLimit(address(target), PAY, 1, 1000, WEEK);
        updates[7] = _argLimit(address(target), PAY, 2, 10, 0);
        updates[8] = _condition(address(target), PAY, 1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(uint256(1000)));
        updates[9] = _condition(address(target), PAY, 2, ArgumentOperator.SIGNED_GREATER_THAN_OR_EQUAL, _signedWord(-5));
        updates[10] = _condition(address(target), PAY, 0, ArgumentOperator.NOT_EQUAL, bytes32(0));
        updates[11] = _oneOf(address(target), PAY, 0, _word(alice));
        updates[12] = _oneOf(address(target), PAY, 0, _word(bob));
        updates[13] = _oneOf(address(target), PAY, 1, bytes32(uint256(50)));
        updates[14] = _oneOf(address(target), PAY, 1, bytes32(uint256(100)));
        updates[15] = _fnCallLimit(address(target), MINT, 5, 0);
        updates[16] = _argLimit(address(target), MINT, 0, 100, DAY);
        updates[17] = _condition(address(target), MINT, 0, ArgumentOperator.GREATER_THAN_OR_EQUAL, bytes32(uint256(1)));
        updates[18] = _condition(address(target), MINT, 0, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(uint256(1000)));
        updates[19] = _condition(address(target), MINT, 0, ArgumentOperator.NOT_EQUAL, bytes32(uint256(5)));
        updates[20] = _condition(address(target), MINT, 0, ArgumentOperator.SIGNED_GREATER_THAN, bytes32(0));
        updates[21] = _oneOf(address(target), MINT, 0, bytes32(0));
        updates[22] = _oneOf(address(target), MINT, 0, bytes32(uint256(1)));
        updates[23] = _oneOf(address(target), MINT, 0, bytes32(uint256(7)));
        updates[24] = _oneOf(address(target), MINT, 0, bytes32(uint256(50)));
        updates[25] = _oneOf(address(target), MINT, 0, bytes32(uint256(100)));
        updates[26] = _fnCallLimit(address(target2), PAY, 3, 0);
        updates[27] = _maxValue(1 ether);
        _addKey(sessionKey, updates);
        for (uint256 i = 4; i < updates.length; ++i) {
            assertEq(_expectedError(sessionKey, updates[i], i), "", "the model refuses a set-up update");
            _applyToModel(sessionKey, updates[i]);
        }

        // Spend in every budget: 3 calls to target (PAY twice, MINT once), then 1 to target2.
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(target), 0, _payData(alice, 100, 1));
        calls[1] = Execution(address(target), 0, _payData(bob, 50, 2));
        calls[2] = Execution(address(target), 0, abi.encodeWithSelector(MINT, 7));
        _spend(_executeBatch(calls));
        _spend(_call(address(target2), 0, _payData(alice, 1, 0)));
        FunctionModel storage pay = functions[sessionKey][address(target)][PAY];
        FunctionModel storage mint = functions[sessionKey][address(target)][MINT];
        models[sessionKey].calls.used = 4;
        pay.calls.used = 2;
        pay.limits[0].budget.used = 150;
        pay.limits[1].budget.used = 3;
        mint.calls.used = 1;
        mint.limits[0].budget.used = 7;
        functions[sessionKey][address(target2)][PAY].calls.used = 1;

        // Removals keep the spend: the second PAY limit keeps its place, target2's PAY drops out of the lens; MINT's
        // last two limit places are taken by removed limits.
        bytes[] memory later = new bytes[](6);
        later[0] = _noArgLimit(address(target), PAY, 2);
        later[1] = _noFnCallLimit(address(target2), PAY);
        later[2] = _argLimit(address(target), MINT, 1, 10, 0);
        later[3] = _argLimit(address(target), MINT, 2, 10, DAY);
        later[4] = _noArgLimit(address(target), MINT, 1);
        later[5] = _noArgLimit(address(target), MINT, 2);
        _update(sessionKey, later);
        _applyAllToModel(sessionKey, later);
        _assertMatchesModel(sessionKey, "after set-up");
        assertEq(_policies().length, 2, "set-up: PAY and MINT of target");
    }

    function _spend(bytes memory callData) internal {
        uint256 validationData = _run(_signedOp(callData, sessionKeyPk, block.timestamp));
        assertEq(uint160(validationData), 0, "set-up op refused");
    }

    function _callLimit(uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setCallLimit, (limit, uint48(interval)));
    }

    // ------------------------------------------------------------------ applying updates to the model

    function _budgetSet(Budget storage b, uint256 limit, uint256 interval, uint256 anchor) internal {
        b.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        b.stored = Reference.startAfterChange(b.stored, b.interval, interval, anchor, block.timestamp);
        (b.limited, b.limit, b.interval) = (true, limit, interval);
    }

    /// @dev The function an update names.
    function _function(address key, bytes memory u) internal view returns (FunctionModel storage) {
        return functions[key][address(uint160(u.word(0)))][bytes4(bytes32(u.word(1)))];
    }

    /// @dev The function an update gives a rule (or a limit place): listed, in the order functions first get one.
    function _listed(address key, bytes memory u) internal returns (FunctionModel storage) {
        address t = address(uint160(u.word(0)));
        bytes4 selector = bytes4(bytes32(u.word(1)));
        if (!named[key][t][selector]) {
            named[key][t][selector] = true;
            models[key].functions.push(FunctionRef(t, selector));
        }
        return functions[key][t][selector];
    }

    /// @dev The set of argument `argIndex`, its place, or (false, count) when there is none.
    function _setOf(FunctionModel storage f, uint256 argIndex) internal view returns (bool found, uint256 place) {
        for (; place < f.sets.length; ++place) {
            if (f.sets[place].argIndex == argIndex) return (true, place);
        }
    }

    function _limitOf(FunctionModel storage f, uint256 argIndex) internal view returns (bool found, uint256 place) {
        for (; place < f.limits.length; ++place) {
            if (f.limits[place].argIndex == argIndex) return (true, place);
        }
    }

    /// @dev The value of addArgumentOneOf `u` in its set of `key`, since the function's sets were last emptied.
    function _memberId(address key, bytes memory u, FunctionModel storage f) internal view returns (bytes32) {
        return keccak256(abi.encode(key, u.word(0), u.word(1), u.word(2), f.setsRemoved, u.word(3)));
    }

    /// @dev Applies a valid update to the model of `key`, as the interface and the docs describe it.
    function _applyToModel(address key, bytes memory u) internal {
        bytes4 sel = u.selectorOf();
        KeyModel storage m = models[key];
        if (sel == Updates.setCallLimit.selector) {
            _budgetSet(m.calls, u.word(0), u.word(1), m.anchor);
        } else if (sel == Updates.removeCallLimit.selector) {
            m.calls.limited = false; // the calls made are kept
        } else if (sel == Updates.setMaxValuePerCall.selector) {
            (m.capped, m.maxValuePerCall) = (true, u.word(0));
        } else if (sel == Updates.removeMaxValuePerCall.selector) {
            m.capped = false;
        } else if (sel == Updates.addArgumentCondition.selector) {
            _listed(key, u).conditions.push(Condition(u.word(2), u.word(3), bytes32(u.word(4))));
        } else if (sel == Updates.addArgumentOneOf.selector) {
            FunctionModel storage f = _listed(key, u);
            (bool found, uint256 place) = _setOf(f, u.word(2));
            if (!found) f.sets.push().argIndex = u.word(2);
            bytes32 member = _memberId(key, u, f);
            if (!isMember[member]) f.sets[place].values.push(bytes32(u.word(3)));
            isMember[member] = true;
        } else if (sel == Updates.removeArgumentConditions.selector) {
            FunctionModel storage f = _function(key, u);
            delete f.conditions;
            delete f.sets;
            ++f.setsRemoved; // and the sets' members: a later set starts empty
        } else if (sel == Updates.setArgumentSpendLimit.selector) {
            FunctionModel storage f = _listed(key, u);
            (bool found, uint256 place) = _limitOf(f, u.word(2));
            if (!found) f.limits.push().argIndex = u.word(2);
            _budgetSet(f.limits[place].budget, u.word(3), u.word(4), m.anchor);
        } else if (sel == Updates.removeArgumentSpendLimit.selector) {
            FunctionModel storage f = _function(key, u);
            (bool found, uint256 place) = _limitOf(f, u.word(2));
            if (found) f.limits[place].budget.limited = false; // place and state kept
        } else if (sel == Updates.setFunctionCallLimit.selector) {
            _budgetSet(_listed(key, u).calls, u.word(2), u.word(3), m.anchor);
        } else if (sel == Updates.removeFunctionCallLimit.selector) {
            _function(key, u).calls.limited = false; // the calls made are kept
        } else {
            revert("not a modelled update");
        }
    }

    // ------------------------------------------------------------------ the reference decoder

    /// @dev The eleven updates, in interface order, and their static argument counts as the interface declares them.
    function _kinds() internal pure returns (bytes4[11] memory selectors, uint8[11] memory counts) {
        selectors = [
            Updates.setCallLimit.selector,
            Updates.removeCallLimit.selector,
            Updates.addArgumentCondition.selector,
            Updates.addArgumentOneOf.selector,
            Updates.removeArgumentConditions.selector,
            Updates.setArgumentSpendLimit.selector,
            Updates.removeArgumentSpendLimit.selector,
            Updates.setFunctionCallLimit.selector,
            Updates.removeFunctionCallLimit.selector,
            Updates.setMaxValuePerCall.selector,
            Updates.removeMaxValuePerCall.selector
        ];
        counts = [2, 0, 5, 4, 2, 5, 3, 4, 2, 1, 0];
    }

    function _argCount(bytes4 sel) internal pure returns (uint256) {
        (bytes4[11] memory selectors, uint8[11] memory counts) = _kinds();
        for (uint256 k; k < 11; ++k) {
            if (selectors[k] == sel) return counts[k];
        }
        revert("not a modelled update");
    }

    /// @dev Target, then selector (a left-aligned bytes4), then the argument index (uint8) when the update has one.
    function _functionError(bytes memory u, uint256 i, bool hasArgIndex) internal view returns (bytes memory err) {
        err = UpdateErrors.target(u.word(0), i, address(account), address(module));
        if (err.length == 0 && u.word(1) << 32 != 0) err = UpdateErrors.malformed(i);
        if (err.length == 0 && hasArgIndex && u.word(2) > 0xff) err = UpdateErrors.malformed(i);
    }

    function _tooMany(bytes memory u) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(
            ISessionKeyModule.TooManyArgumentConditions.selector,
            address(uint160(u.word(0))),
            bytes4(bytes32(u.word(1)))
        );
    }

    /// @return err The revert data the module must give for update `u` at index `i` of a call on `key`, as the model of
    /// `key` stands; empty when it applies.
    function _expectedError(address key, bytes memory u, uint256 i) internal view returns (bytes memory err) {
        bytes4 sel = u.selectorOf();
        if (u.length != 4 + 32 * _argCount(sel)) return UpdateErrors.malformed(i);
        if (sel == Updates.setCallLimit.selector) {
            err = UpdateErrors.limit(u.word(0), MAX_CALL_LIMIT);
            return err.length != 0 ? err : UpdateErrors.interval(u.word(1), i);
        }
        if (
            sel == Updates.removeCallLimit.selector || sel == Updates.setMaxValuePerCall.selector
                || sel == Updates.removeMaxValuePerCall.selector
        ) return ""; // any uint256 is a cap; the length was all there was to check

        bool hasArgIndex = sel == Updates.addArgumentCondition.selector || sel == Updates.addArgumentOneOf.selector
            || sel == Updates.setArgumentSpendLimit.selector || sel == Updates.removeArgumentSpendLimit.selector;
        err = _functionError(u, i, hasArgIndex);
        if (err.length != 0) return err;
        FunctionModel storage f =
            functions[key][address(uint160(u.word(0)))][bytes4(bytes32(u.word(1)))];
        if (sel == Updates.addArgumentCondition.selector) {
            uint256 operator = u.word(3);
            if (operator >= OPERATOR_COUNT) {
                return abi.encodeWithSelector(ISessionKeyModule.InvalidArgumentOperator.selector, operator);
            }
            return f.conditions.length >= MAX_CONDITIONS ? _tooMany(u) : bytes("");
        }
        if (sel == Updates.addArgumentOneOf.selector) {
            (bool found, uint256 place) = _setOf(f, u.word(2));
            if (!found) return place >= MAX_SETS ? _tooMany(u) : bytes("");
            bool full = f.sets[place].values.length >= MAX_SET_VALUES;
            return full && !isMember[_memberId(key, u, f)] ? _tooMany(u) : bytes("");
        }
        if (sel == Updates.setArgumentSpendLimit.selector) {
            err = UpdateErrors.limit(u.word(3), MAX_ARGUMENT_LIMIT);
            if (err.length == 0) err = UpdateErrors.interval(u.word(4), i);
            if (err.length != 0) return err;
            (bool found, uint256 place) = _limitOf(f, u.word(2));
            return !found && place >= MAX_ARGUMENT_LIMITS ? _tooMany(u) : bytes("");
        }
        if (sel == Updates.setFunctionCallLimit.selector) {
            err = UpdateErrors.limit(u.word(2), MAX_CALL_LIMIT);
            return err.length != 0 ? err : UpdateErrors.interval(u.word(3), i);
        }
        return ""; // the removals: naming the function was all there was to check
    }

    /// @dev The revert data of a list of updates on `key`: the first bad update's, each judged on the model as the
    /// updates before it left it; empty when all apply. The model is left as it was either way.
    function _expectedListError(address key, bytes[] memory updates) internal returns (bytes memory err) {
        uint256 snapshot = vm.snapshotState();
        for (uint256 i; i < updates.length && err.length == 0; ++i) {
            err = _expectedError(key, updates[i], i);
            if (err.length == 0) _applyToModel(key, updates[i]);
        }
        vm.revertToState(snapshot);
    }

    function _applyAllToModel(address key, bytes[] memory updates) internal {
        for (uint256 i; i < updates.length; ++i) {
            _applyToModel(key, updates[i]);
        }
    }

    // ------------------------------------------------------------------ comparing the views with the model

    function _status(Budget storage b, uint256 anchor) internal view returns (ISessionKeyLens.SpendLimitStatus memory st) {
        st.hasLimit = b.limited;
        st.limit = b.limit;
        st.refreshInterval = uint48(b.interval);
        (uint256 start, uint256 next) = Reference.viewPeriod(b.stored, b.interval, anchor, block.timestamp);
        (st.periodStart, st.nextRefresh) = (uint48(start), uint48(next));
        st.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        st.remaining = st.used >= st.limit ? 0 : st.limit - st.used;
    }

    function _hasRule(FunctionModel storage f) internal view returns (bool) {
        if (f.conditions.length != 0 || f.sets.length != 0 || f.calls.limited) return true;
        for (uint256 k; k < f.limits.length; ++k) {
            if (f.limits[k].budget.limited) return true;
        }
        return false;
    }

    /// @dev The lens's call policies, call limit and per-call cap of `key` equal its model.
    function _assertMatchesModel(address key, string memory when) internal view {
        _assertMatchesModel(key, lens.getSessionKey(address(module), address(account), key), when);
    }

    function _assertMatchesModel(address key, ISessionKeyLens.SessionKeyState memory state, string memory when)
        internal
        view
    {
        KeyModel storage m = models[key];
        _assertStatusEq(state.calls, _status(m.calls, m.anchor), string.concat(when, ": calls"));
        _assertStatusEq(
            lens.getCallLimit(address(module), address(account), key), state.calls, string.concat(when, ": getCallLimit")
        );
        assertEq(
            state.maxValuePerCall, m.capped ? m.maxValuePerCall : type(uint256).max, string.concat(when, ": maxValuePerCall")
        );
        uint256 listed;
        // Where each function with a rule is in the lens: a contract's functions in the order they first got a rule.
        uint256[] memory places = new uint256[](m.functions.length);
        for (uint256 n; n < m.functions.length; ++n) {
            FunctionRef storage ref = m.functions[n];
            FunctionModel storage f = _modelOf(key, ref);
            if (!_hasRule(f)) continue;
            ++listed;
            places[n] = _placeOf(state.callPolicies, ref, when);
            _assertRuleEq(state.callPolicies[places[n]], f, m.anchor, _functionName(when, ref));
            for (uint256 earlier; earlier < n; ++earlier) {
                if (m.functions[earlier].target != ref.target || !_hasRule(_modelOf(key, m.functions[earlier]))) continue;
                assertLt(places[earlier], places[n], string.concat(_functionName(when, ref), ": listed before an older rule"));
            }
        }
        assertEq(state.callPolicies.length, listed, string.concat(when, ": functions with a policy"));
    }

    function _modelOf(address key, FunctionRef storage ref) internal view returns (FunctionModel storage) {
        return functions[key][ref.target][ref.selector];
    }

    function _functionName(string memory when, FunctionRef storage ref) internal view returns (string memory) {
        return string.concat(when, ": ", vm.toString(ref.target), ".", vm.toString(abi.encodePacked(ref.selector)));
    }

    function _placeOf(ISessionKeyLens.CallPolicyRule[] memory rules, FunctionRef storage ref, string memory when)
        internal
        view
        returns (uint256)
    {
        for (uint256 k; k < rules.length; ++k) {
            if (rules[k].target == ref.target && rules[k].selector == ref.selector) return k;
        }
        revert(string.concat(_functionName(when, ref), " has no call policy in the lens"));
    }

    function _assertRuleEq(
        ISessionKeyLens.CallPolicyRule memory rule,
        FunctionModel storage f,
        uint256 anchor,
        string memory what
    ) internal view {
        assertEq(rule.conditions.length, f.conditions.length, string.concat(what, ": conditions"));
        for (uint256 k; k < f.conditions.length; ++k) {
            assertEq(rule.conditions[k].argIndex, f.conditions[k].argIndex, string.concat(what, ": condition argIndex"));
            assertEq(rule.conditions[k].operator, f.conditions[k].operator, string.concat(what, ": condition operator"));
            assertEq(rule.conditions[k].value, f.conditions[k].value, string.concat(what, ": condition value"));
        }
        assertEq(rule.oneOf.length, f.sets.length, string.concat(what, ": one-of sets"));
        for (uint256 s; s < f.sets.length; ++s) {
            assertEq(rule.oneOf[s].argIndex, f.sets[s].argIndex, string.concat(what, ": set argIndex"));
            assertEq(rule.oneOf[s].values, f.sets[s].values, string.concat(what, ": set values"));
        }
        uint256 active;
        for (uint256 k; k < f.limits.length; ++k) {
            if (!f.limits[k].budget.limited) continue;
            assertEq(rule.argumentLimits[active].argIndex, f.limits[k].argIndex, string.concat(what, ": limit argIndex"));
            _assertStatusEq(
                rule.argumentLimits[active].spend, _status(f.limits[k].budget, anchor), string.concat(what, ": limit")
            );
            ++active;
        }
        assertEq(rule.argumentLimits.length, active, string.concat(what, ": active argument limits"));
        _assertStatusEq(rule.calls, _status(f.calls, anchor), string.concat(what, ": calls"));
    }

    /// @dev Everything the lens says about the account's keys (what a refused call must leave as it was).
    function _allViews() internal view returns (ISessionKeyLens.SessionKeyState[] memory) {
        return lens.getSessionKeys(address(module), address(account));
    }

    /// @dev What an applied call-policy update leaves as it was: the key's info and its contracts' entries (a contract
    /// first named by the update joins the list with no access and no limit).
    function _assertOthersUnchanged(
        ISessionKeyLens.SessionKeyState memory state,
        ISessionKeyLens.SessionKeyState memory before,
        bytes[] memory updates
    ) internal pure {
        assertEq(abi.encode(state.info), abi.encode(before.info), "the key's info changed");
        assertGe(state.targets.length, before.targets.length, "a contract left the key's list");
        for (uint256 k; k < state.targets.length; ++k) {
            ISessionKeyLens.TargetRule memory t = state.targets[k];
            if (k < before.targets.length) {
                assertEq(abi.encode(t), abi.encode(before.targets[k]), "a contract's entry changed");
                continue;
            }
            assertTrue(_givesARule(updates, t.target), "a contract no update gave a rule joined the key's list");
            assertFalse(t.isOnList || t.checkSelectors || t.erc20Spend.hasLimit, "a new contract got access");
            assertEq(t.selectors.length, 0, "a new contract got function entries");
        }
    }

    /// @dev Whether an update adds a rule to a function of `t` (removals never list a contract).
    function _givesARule(bytes[] memory updates, address t) internal pure returns (bool) {
        for (uint256 i; i < updates.length; ++i) {
            bytes4 sel = updates[i].selectorOf();
            bool adds = sel == Updates.addArgumentCondition.selector || sel == Updates.addArgumentOneOf.selector
                || sel == Updates.setArgumentSpendLimit.selector || sel == Updates.setFunctionCallLimit.selector;
            if (adds && updates[i].word(0) == uint160(t)) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ the generator

    function _pick(uint256 r, uint256 n) internal pure returns (uint256) {
        return (r >> 16) % n;
    }

    /// @dev Dirty bits for a word of `width` bits: none in most draws, else random ones above the width (at least one).
    function _dirtyAbove(uint256 r, uint256 width) internal pure returns (uint256) {
        return r % 16 == 1 ? ((r >> 100) | 1) << width : 0;
    }

    /// @dev Mostly a contract the key may name (target most often), a quarter of the time a forbidden one.
    function _targetWord(uint256 r) internal view returns (uint256) {
        address a;
        if ((r >> 8) % 4 != 0) {
            address[6] memory allowed =
                [address(target), address(target), address(target), address(target2), address(token), address(uint160(r >> 40))];
            a = allowed[_pick(r, 6)];
        } else {
            address[7] memory forbidden = [address(0), address(account), address(module), EP_V06, EP_V07, EP_V08, EP_V09];
            a = forbidden[_pick(r, 7)];
        }
        return uint160(a) | _dirtyAbove(r, 160);
    }

    function _selectorWord(uint256 r) internal pure returns (uint256 w) {
        bytes4[6] memory palette = [PAY, PAY, MINT, MINT, bytes4(0), bytes4(uint32(r >> 200))];
        w = uint256(bytes32(palette[_pick(r, 6)]));
        if (r % 16 == 1) w |= ((r >> 100) | 1) & type(uint224).max; // bits below the four bytes
    }

    function _argIndexWord(uint256 r) internal pure returns (uint256) {
        uint256 past = r & (1 << 200) == 0 ? 0x100 : r >> 40; // past uint8
        uint256[8] memory palette = [0, 0, 1, 2, 3, 0xff, (r >> 40) % 256, past];
        return palette[_pick(r, 8)] | _dirtyAbove(r, 8);
    }

    function _operatorWord(uint256 r) internal pure returns (uint256) {
        uint256 any = (r >> 40) % OPERATOR_COUNT;
        uint256 past = r & (1 << 200) == 0 ? OPERATOR_COUNT : r & (1 << 201) == 0 ? 0xff : 0x100; // past the enum
        uint256[8] memory palette = [any, any, any, any, any, 0, OPERATOR_COUNT - 1, past];
        return palette[_pick(r, 8)] | _dirtyAbove(r, 8);
    }

    function _valueWord(uint256 r) internal view returns (uint256) {
        uint256[8] memory palette =
            [0, 1, type(uint256).max, uint160(alice), uint160(bob), 50, 100, uint256(keccak256(abi.encode(r)))];
        return palette[_pick(r, 8)];
    }

    function _limitWord(uint256 r, uint256 max) internal pure returns (uint256) {
        uint256 over = r & (1 << 200) == 0 ? max + 1 : r & (1 << 201) == 0 ? type(uint256).max : r >> (r % 256);
        uint256[8] memory palette = [0, 1, 5, (r >> 40) % 100, (r >> 40) % 1000, (r >> 40) % max, max, over];
        return palette[_pick(r, 8)];
    }

    function _intervalWord(uint256 r) internal pure returns (uint256) {
        // DAY and WEEK: the set-up's intervals (a limit re-sent with its interval keeps its running period).
        uint256 over = r & (1 << 200) == 0 ? MAX_U32 + 1 : MAX_U48; // stored in 32 bits, declared in 48
        uint256[8] memory palette = [0, 0, 1, DAY, WEEK, MAX_U32, (r >> 40) % MAX_U32, over];
        return palette[_pick(r, 8)] | _dirtyAbove(r, 48);
    }

    function _capWord(uint256 r) internal pure returns (uint256) {
        uint256[8] memory palette =
            [0, 1, 1 ether, type(uint256).max, type(uint256).max - 1, 1 << 96, (r >> 40) % 1e21, r];
        return palette[_pick(r, 8)];
    }

    /// @dev Argument n of update kind `kind` (an index into _kinds), drawn by `r`.
    function _argWord(uint256 kind, uint256 n, uint256 r) internal view returns (uint256) {
        if (kind == 0) return n == 0 ? _limitWord(r, MAX_CALL_LIMIT) : _intervalWord(r);
        if (kind == 9) return _capWord(r);
        if (n == 0) return _targetWord(r);
        if (n == 1) return _selectorWord(r);
        if (kind == 7) return n == 2 ? _limitWord(r, MAX_CALL_LIMIT) : _intervalWord(r);
        if (n == 2) return _argIndexWord(r);
        if (kind == 2) return n == 3 ? _operatorWord(r) : _valueWord(r);
        if (kind == 3) return _valueWord(r);
        return n == 3 ? _limitWord(r, MAX_ARGUMENT_LIMIT) : _intervalWord(r); // setArgumentSpendLimit
    }

    /// @dev A random update of the eleven, with words of its declared types, sometimes of a wrong length.
    function _genUpdate(uint256 seed) internal view returns (bytes memory u) {
        (bytes4[11] memory selectors, uint8[11] memory counts) = _kinds();
        uint256 kind = seed % 11;
        u = abi.encodePacked(selectors[kind]);
        for (uint256 n; n < counts[kind]; ++n) {
            u = bytes.concat(u, bytes32(_argWord(kind, n, uint256(keccak256(abi.encode(seed, n))))));
        }
        uint256 lengthMode = (seed >> 8) % 16;
        if (lengthMode == 0) {
            u = bytes.concat(u, new bytes(1 + (seed >> 24) % 31)); // trailing bytes
        } else if (lengthMode == 1) {
            u = bytes.concat(u, bytes32(seed)); // one word too many
        } else if (lengthMode == 2 && u.length > 4) {
            uint256 cut = 1 + (seed >> 24) % 32; // 1..32 bytes off the end, the selector stays
            if (cut > u.length - 4) cut = u.length - 4;
            assembly ("memory-safe") {
                mstore(u, sub(mload(u), cut))
            }
        }
    }

    /// @dev Moves the clock on by 0 (most often), an hour, a day or a week and a second: budgets whose periods ended
    /// meanwhile show no spend, and a limit set again starts on the grid of now.
    function _maybeWarp(uint256 seed) internal {
        uint256[6] memory gaps = [uint256(0), 0, 0, 1 hours, DAY, WEEK + 1];
        vm.warp(block.timestamp + gaps[(seed >> 32) % 6]);
    }

    // ------------------------------------------------------------------ tests

    /// @dev Sends `updates` for the fuzz key (the account's first) and checks the outcome against the model's
    /// prediction.
    function _checkUpdates(bytes[] memory updates, string memory what) internal {
        bytes memory err = _expectedListError(sessionKey, updates);
        ISessionKeyLens.SessionKeyState[] memory before = _allViews();
        vm.prank(address(account));
        if (err.length != 0) vm.expectRevert(err);
        module.updateKeyPermissions(sessionKey, updates);
        if (err.length != 0) {
            assertEq(abi.encode(_allViews()), abi.encode(before), string.concat(what, ": a refused update changed a view"));
            return;
        }
        _applyAllToModel(sessionKey, updates);
        ISessionKeyLens.SessionKeyState memory state = lens.getSessionKey(address(module), address(account), sessionKey);
        _assertOthersUnchanged(state, before[0], updates);
        _assertMatchesModel(sessionKey, state, string.concat(what, " applied"));
    }

    /// One random update: applied exactly, or refused with the predicted error and nothing changed.
    function testFuzz_update_appliesExactlyOrRevertsCleanly(uint256 seed) public {
        _maybeWarp(seed);
        _checkUpdates(_one(_genUpdate(seed)), "one update");
    }

    /// A list of 3 random updates: all applied in order, or refused with the first bad one's error and index, and
    /// nothing changed (not even by the good updates before it).
    function testFuzz_updateList_allOrNothing(uint256[3] memory seeds) public {
        _maybeWarp(seeds[0]);
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = _genUpdate(seeds[i]);
        }
        _checkUpdates(updates, "list of 3");
    }

    /// addSessionKey with a gas limit and a random update (at index 1): a bad one adds no key and changes nothing; good
    /// ones give the new key exactly what they say, from fresh state (its anchor the time it was added), and its gas
    /// limit stays as set when a call limit or a cap moves it.
    function testFuzz_addSessionKey_withRandomUpdate(uint256 seed) public {
        _maybeWarp(seed);
        bytes[] memory updates = new bytes[](2);
        updates[0] = _gasLimit(1 ether, DAY); // a call limit or a cap moves it into the slot they share
        updates[1] = _genUpdate(seed);
        models[newKey].anchor = Reference.newKeyAnchor(block.timestamp);
        bytes memory err = _expectedError(newKey, updates[1], 1); // a fresh key: its model is empty
        ISessionKeyLens.SessionKeyState[] memory before = _allViews();
        vm.prank(address(account));
        if (err.length != 0) vm.expectRevert(err);
        module.addSessionKey(newKey, bytes32("new"), updates);
        assertEq(lens.isSessionKeyOf(address(module), address(account), newKey), err.length == 0, "added iff valid");
        if (err.length != 0) {
            assertEq(abi.encode(_allViews()), abi.encode(before), "a refused add changed a view");
            return;
        }
        _applyToModel(newKey, updates[1]);
        _assertMatchesModel(newKey, "new key");
        ISessionKeyLens.SessionKeyState memory state = lens.getSessionKey(address(module), address(account), newKey);
        assertEq(state.info.tag, bytes32("new"), "tag");
        uint256 now_ = block.timestamp;
        _assertStatusEq(
            state.info.gasSpend,
            ISessionKeyLens.SpendLimitStatus(true, 1 ether, 0, 1 ether, uint48(DAY), uint48(now_), uint48(now_ + DAY)),
            "the new key's gas limit"
        );
        for (uint256 k; k < state.targets.length; ++k) {
            assertTrue(_givesARule(updates, state.targets[k].target), "a contract no update gave a rule");
            assertFalse(state.targets[k].isOnList, "a new key's contract on its list");
        }
        assertEq(
            abi.encode(lens.getSessionKey(address(module), address(account), sessionKey)),
            abi.encode(before[0]),
            "the other key changed"
        );
    }

    /// @dev Sends `fill` (one more than the room) in one list, which the last makes one too many (`tooMany`), then all
    /// but the last, which fill the room; returns the last. `fill` is shortened by one.
    function _fillPastTheRoom(bytes[] memory fill, bytes memory tooMany) internal returns (bytes memory extra) {
        assertEq(_expectedListError(sessionKey, fill), tooMany, "model: one too many in a list");
        _checkUpdates(fill, "room + 1 in one list");
        uint256 room = fill.length - 1;
        extra = fill[room];
        assembly ("memory-safe") {
            mstore(fill, room)
        }
        _checkUpdates(fill, "room filled");
    }

    /// The per-function room from empty: 4 conditions, 3 one-of sets, 3 argument-limit places (a removed limit keeps
    /// its place); one more is TooManyArgumentConditions(target, selector), in one list or later, and changes nothing.
    function testFuzz_perFunctionRoom(uint8 which, bytes4 selector, bytes32 value) public {
        vm.assume(selector != PAY && selector != MINT);
        address t = address(target2);
        bytes memory tooMany = abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, t, selector);
        which = which % 3;
        uint256 room = which == 0 ? MAX_CONDITIONS : which == 1 ? MAX_SETS : MAX_ARGUMENT_LIMITS;
        bytes[] memory fill = new bytes[](room + 1);
        for (uint256 k; k <= room; ++k) {
            bytes32 v = bytes32(uint256(value) ^ k);
            if (which == 0) fill[k] = _condition(t, selector, k, ArgumentOperator(k % OPERATOR_COUNT), v);
            else if (which == 1) fill[k] = _oneOf(t, selector, k, v);
            else fill[k] = _argLimit(t, selector, k, uint256(v) % MAX_ARGUMENT_LIMIT, DAY);
        }
        bytes memory extra = _fillPastTheRoom(fill, tooMany);
        if (which == 2) {
            // A removed limit keeps its place: still no room, and the removed one can be set again.
            _checkUpdates(_one(_noArgLimit(t, selector, 0)), "limit removed");
            _checkUpdates(_one(extra), "one more after a removal");
            _checkUpdates(_one(_argLimit(t, selector, 0, 5, 0)), "the removed limit set again");
        }
        assertEq(_expectedListError(sessionKey, _one(extra)), tooMany, "model: one too many");
        _checkUpdates(_one(extra), "one more");
        // Sending again what is there: a condition is a new one (no room); a value already in its set adds nothing; a
        // limit set again keeps its place.
        _checkUpdates(_one(fill[0]), "the first again");
    }

    /// A set's room: MINT's set on argument 0 holds 5 values (set-up) and takes 58 more: 59 new ones in a list are
    /// TooManyArgumentConditions and change nothing; then a new value is refused alone or after values already in the
    /// set; a value already in it adds nothing; once removeArgumentConditions empties the sets, old values are new again.
    function testFuzz_setValueRoom(bytes32 value, uint8 pos) public {
        uint256 room = MAX_SET_VALUES - 5;
        bytes[] memory fill = new bytes[](room + 1);
        for (uint256 k; k <= room; ++k) {
            fill[k] = _oneOf(address(target), MINT, 0, keccak256(abi.encode(value, k)));
        }
        bytes memory tooMany =
            abi.encodeWithSelector(ISessionKeyModule.TooManyArgumentConditions.selector, address(target), MINT);
        bytes memory added = _fillPastTheRoom(fill, tooMany);
        assertEq(_policies()[1].oneOf[0].values.length, MAX_SET_VALUES, "the set is full");

        bytes memory present = _oneOf(address(target), MINT, 0, bytes32(uint256(7)));
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = i == pos % 3 ? added : present;
        }
        assertEq(_expectedListError(sessionKey, updates), tooMany, "model: a new value in a full set");
        _checkUpdates(updates, "a new value in a full set");
        _checkUpdates(_one(present), "a value already in the full set");

        updates[0] = _noConditions(address(target), MINT);
        updates[1] = present;
        updates[2] = fill[0];
        _checkUpdates(updates, "emptied, then two values");
        assertEq(_policies()[1].oneOf[0].values.length, 2, "a set emptied starts again");
    }

    /// Removing an argument limit, a function call limit or the call limit keeps what was spent: set again (with any
    /// limit and interval) within the period, the spend goes on.
    function testFuzz_removeThenSetAgain_keepsTheSpend(uint8 which, uint256 limit, uint8 intervalPick, uint256 gap)
        public
    {
        which = which % 3;
        gap = bound(gap, 0, DAY - 1); // every set-up period (a day, a week, lifetime) still runs
        uint256[3] memory intervals = [uint256(0), DAY, WEEK];
        uint256 interval = intervals[intervalPick % 3];
        limit = bound(limit, 0, which == 0 ? MAX_ARGUMENT_LIMIT : MAX_CALL_LIMIT);
        bytes memory removal = which == 0
            ? _noArgLimit(address(target), PAY, 1)
            : which == 1 ? _noFnCallLimit(address(target), PAY) : abi.encodeCall(Updates.removeCallLimit, ());
        bytes memory set = which == 0
            ? _argLimit(address(target), PAY, 1, limit, interval)
            : which == 1 ? _fnCallLimit(address(target), PAY, limit, interval) : _callLimit(limit, interval);
        _checkUpdates(_one(removal), "removed");
        vm.warp(block.timestamp + gap);
        _checkUpdates(_one(set), "set again");
        // The set-up's spend (150 of argument 1, 2 calls to PAY, 4 calls), kept whatever the new limit: a lifetime
        // limit or the same interval keeps it; a new refreshing interval counts it in the period of now.
        uint256 used = which == 0 ? _policies()[0].argumentLimits[0].spend.used
            : which == 1 ? _policies()[0].calls.used
            : lens.getCallLimit(address(module), address(account), sessionKey).used;
        assertEq(used, which == 0 ? 150 : which == 1 ? 2 : 4, "spend kept");
    }

    /// Every one of the eleven updates with any length but its exact one is malformed, at its index.
    function testFuzz_wrongLength_isMalformed(uint8 kind, uint256 len, bytes32 fill, uint8 pos) public {
        (bytes4[11] memory selectors, uint8[11] memory counts) = _kinds();
        kind = kind % 11;
        len = bound(len, 4, 4 + 32 * 7);
        vm.assume(len != 4 + 32 * uint256(counts[kind]));
        bytes memory u = new bytes(len);
        for (uint256 j; j < len; ++j) {
            u[j] = j < 4 ? selectors[kind][j] : fill[j % 32];
        }
        pos = pos % 3;
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = i == pos ? u : _maxValue(uint256(fill));
        }
        assertEq(_expectedListError(sessionKey, updates), UpdateErrors.malformed(pos), "model");
        _checkUpdates(updates, "wrong length");
    }

    /// Dirty words, one per update argument of a narrow type, anywhere in a list: malformed at that index.
    function testFuzz_dirtyWords_areMalformed(uint8 which, uint256 dirt, uint8 pos) public {
        which = which % 6;
        uint256 targetWord = uint160(address(target));
        uint256 selectorWord = uint256(bytes32(PAY));
        bytes memory u;
        if (which == 0) {
            dirt = bound(dirt, 1, type(uint96).max);
            u = abi.encodeWithSelector(Updates.removeArgumentConditions.selector, targetWord | (dirt << 160), PAY);
        } else if (which == 1) {
            dirt = bound(dirt, 1, type(uint224).max);
            u = abi.encodeWithSelector(Updates.removeFunctionCallLimit.selector, targetWord, selectorWord | dirt);
        } else if (which == 2) {
            dirt = bound(dirt, 0x100, type(uint256).max);
            u = abi.encodeWithSelector(Updates.addArgumentOneOf.selector, targetWord, PAY, dirt, bytes32(0));
        } else if (which == 3) {
            dirt = bound(dirt, 0x100, type(uint256).max);
            u = abi.encodeWithSelector(Updates.removeArgumentSpendLimit.selector, targetWord, PAY, dirt);
        } else if (which == 4) {
            dirt = bound(dirt, MAX_U48 + 1, type(uint256).max);
            u = abi.encodeWithSelector(Updates.setFunctionCallLimit.selector, targetWord, PAY, 1, dirt);
        } else {
            dirt = bound(dirt, MAX_U48 + 1, type(uint256).max);
            u = abi.encodeWithSelector(Updates.setCallLimit.selector, 1, dirt);
        }
        pos = pos % 3;
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = i == pos ? u : _maxValue(i);
        }
        assertEq(_expectedListError(sessionKey, updates), UpdateErrors.malformed(pos), "model");
        _checkUpdates(updates, "dirty word");
    }

    /// The operator word: 0-9 are the operators; anything else, clean or dirty, is InvalidArgumentOperator(word).
    function testFuzz_operatorWord(uint256 w) public {
        bytes memory u = abi.encodeWithSelector(
            Updates.addArgumentCondition.selector, address(target2), bytes4(0x12345678), uint256(0), w, bytes32(0)
        );
        bytes memory expected =
            w < OPERATOR_COUNT ? bytes("") : abi.encodeWithSelector(ISessionKeyModule.InvalidArgumentOperator.selector, w);
        assertEq(_expectedListError(sessionKey, _one(u)), expected, "model");
        _checkUpdates(_one(u), "operator word");
    }
}
