// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase, CallRecorder, Reference, UpdateWords, UpdateErrors} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of the permission update encodings. Random selectors, lengths and words (clean, out of range, or
/// with dirty high bits) are fed to updateKeyPermissions / addSessionKey. A reference decoder written from the
/// interface predicts the outcome: either the update is applied exactly (every view then matches a model of the
/// key's state) or the call reverts with the predicted custom error and every view is unchanged. Within one call the
/// setRefreshAnchor updates apply first (so they are checked first), then the others in order.
contract UpdateEncodingFuzzTest is SessionFuzzBase {
    uint256 internal constant MAX_TS = Reference.MAX_TIMESTAMP; // 2^32 - 1
    uint256 internal constant MAX_NATIVE_LIMIT = Reference.MAX_NATIVE_LIMIT;
    uint256 internal constant MAX_ERC20_LIMIT = Reference.MAX_ERC20_LIMIT;
    uint256 internal constant MAX_GAS_LIMIT = Reference.MAX_GAS_LIMIT;
    uint256 internal constant MAX_U32 = (1 << 32) - 1;
    uint256 internal constant MAX_U48 = (1 << 48) - 1;
    uint256 internal constant GAS_COST = (500_000 + 500_000 + 50_000) * 2 gwei; // the op builder's maximum cost

    // ------------------------------------------------------------------ the model of the key

    struct Budget {
        bool limited;
        uint256 limit;
        uint256 interval;
        uint256 used; // in whole gwei for gas, which is kept in whole gwei
        uint256 stored; // start of the period `used` belongs to
        bool inGwei;
    }

    struct TargetModel {
        bool onList;
        bool checkSelectors;
        Budget erc20;
        mapping(bytes4 selector => bool) selectors;
    }

    struct KeyModel {
        bytes32 tag;
        uint256 validFrom;
        uint256 validUntil;
        uint256 listType;
        uint256 anchor;
        Budget native;
        Budget gas;
        address paymaster;
    }

    KeyModel internal key;
    mapping(address target => TargetModel) internal targets;
    address internal paymaster = makeAddr("paymaster");

    /// @dev The addresses and selectors every state comparison reads (plus those an update names).
    address[] internal watchedTargets;
    bytes4[] internal watchedSelectors;

    /// @dev Every update the module knows, read from the interface's artifact (so a new update is never taken for an
    /// unknown one). The model covers the first twelve (KNOWN); the call policies have their own fuzz tests.
    mapping(bytes4 selector => bool) internal moduleKnows;

    function setUp() public override {
        super.setUp();
        // Late in 32-bit time (2072): most intervals the module stores have whole periods before now, the longest
        // ones only the stretch before their first period.
        vm.warp(3 << 30);
        uint256 now_ = block.timestamp;

        bytes[] memory updates = new bytes[](10);
        updates[0] = _allowTargetWithSelectors(address(target));
        updates[1] = _allowSelector(address(target), F1);
        updates[2] = _allowSelector(address(target), F2);
        updates[3] = _allowTarget(address(token));
        updates[4] = _erc20Limit(address(token), 500, DAY);
        updates[5] = _nativeLimit(1 ether, WEEK);
        updates[6] = _gasLimit(1 ether, 0);
        updates[7] = _timeRange(now_ - 1 hours, now_ + 365 days);
        updates[8] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(12_345)));
        updates[9] = abi.encodeCall(Updates.updateAccessListFunctionEntry, (address(target), F3, false));
        _addKey(sessionKey, updates);

        // The model of a new key (empty allowlist, native and gas limits of 0, periods anchored at the add time), then
        // the same updates, in order.
        key.tag = bytes32("test");
        key.anchor = Reference.newKeyAnchor(now_);
        key.native.limited = true;
        key.gas.limited = true;
        key.gas.inGwei = true;
        _applyAllToModel(updates); // the anchor (listed after the limits) first

        // Spend something in every budget, so that kept and reset spend show in the views.
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 100)));
        calls[1] = Execution(address(target), 0.1 ether, abi.encodeCall(CallRecorder.f1, (1)));
        _validate(_signedOp(_executeBatch(calls), now_));
        _charge(targets[address(token)].erc20, 100, now_);
        _charge(key.native, 0.1 ether, now_);
        _charge(key.gas, Reference.gasChargeGwei(GAS_COST), now_);

        _update(sessionKey, _one(abi.encodeCall(Updates.setRequiredPaymaster, (paymaster))));
        key.paymaster = paymaster;

        watchedTargets.push(address(target));
        watchedTargets.push(address(token));
        watchedTargets.push(recipient);
        watchedSelectors.push(F1);
        watchedSelectors.push(F2);
        watchedSelectors.push(F3);
        watchedSelectors.push(TRANSFER);
        watchedSelectors.push(APPROVE);
        watchedSelectors.push(bytes4(0));
        _assertMatchesModel("after set-up");

        _readModuleUpdates();
    }

    function _readModuleUpdates() internal {
        string memory artifact =
            vm.readFile("out/ISessionKeyPermissionUpdates.sol/ISessionKeyPermissionUpdates.json");
        string[] memory signatures = vm.parseJsonKeys(artifact, ".methodIdentifiers");
        for (uint256 i; i < signatures.length; ++i) {
            moduleKnows[bytes4(keccak256(bytes(signatures[i])))] = true;
        }
        for (uint256 i; i < KNOWN.length; ++i) {
            assertTrue(moduleKnows[KNOWN[i]], "a modelled update is missing from the interface's artifact");
        }
        assertTrue(moduleKnows[Updates.addArgumentOneOf.selector], "the call-policy updates are missing");
    }

    /// @dev Charges `units` (gas: whole gwei) to the budget's period for `statedTime` (the caller checked that it fits).
    function _charge(Budget storage b, uint256 units, uint256 statedTime) internal {
        if (b.interval != 0) {
            (uint256 start,,, bool refreshed) = Reference.budgetPeriod(b.stored, b.interval, key.anchor, statedTime);
            if (refreshed) (b.used, b.stored) = (0, start);
        }
        b.used += units;
    }

    /// @dev A new limit or interval now: the budget keeps its spend now (0 once its stored period is over by its own
    /// clock), in its running stored period if the interval is the same, else in the period of now on the grid of the
    /// new interval and the key's anchor (Reference.startAfterChange).
    function _rebase(Budget storage b, uint256 limit, uint256 interval) internal {
        b.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        b.stored = Reference.startAfterChange(b.stored, b.interval, interval, key.anchor, block.timestamp);
        (b.limit, b.interval) = (limit, interval);
    }

    // ------------------------------------------------------------------ comparing the views with the model

    function _status(Budget storage b) internal view returns (ISessionKeyLens.SpendLimitStatus memory st) {
        st.hasLimit = b.limited;
        st.limit = b.limit;
        st.refreshInterval = uint48(b.interval);
        (uint256 start, uint256 next) = Reference.viewPeriod(b.stored, b.interval, key.anchor, block.timestamp);
        (st.periodStart, st.nextRefresh) = (uint48(start), uint48(next));
        st.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        if (b.inGwei) (st.used, st.remaining) = Reference.gasStatus(st.limit, st.used);
        else st.remaining = st.used >= st.limit ? 0 : st.limit - st.used;
    }

    /// @dev Every view of the key equals the model (for the watched targets and selectors).
    function _assertMatchesModel(string memory when) internal view {
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.tag, key.tag, string.concat(when, ": tag"));
        assertEq(info.validFrom, key.validFrom, string.concat(when, ": validFrom"));
        assertEq(info.validUntil, key.validUntil, string.concat(when, ": validUntil"));
        assertEq(uint256(info.accessListType), key.listType, string.concat(when, ": listType"));
        assertEq(info.refreshAnchor, key.anchor, string.concat(when, ": anchor"));
        assertEq(info.requiredPaymaster, key.paymaster, string.concat(when, ": paymaster"));
        _assertStatusEq(info.nativeTokenSpend, _status(key.native), string.concat(when, ": native"));
        _assertStatusEq(info.gasSpend, _status(key.gas), string.concat(when, ": gas"));
        for (uint256 i; i < watchedTargets.length; ++i) {
            address a = watchedTargets[i];
            TargetModel storage t = targets[a];
            (bool onList, bool checkSelectors) = lens.getAccessListEntry(address(module), address(account), sessionKey, a);
            assertEq(onList, t.onList, string.concat(when, ": onList ", vm.toString(a)));
            assertEq(checkSelectors, t.checkSelectors, string.concat(when, ": checkSelectors ", vm.toString(a)));
            _assertStatusEq(
                lens.getErc20SpendLimit(address(module), address(account), sessionKey, a),
                _status(t.erc20),
                string.concat(when, ": erc20 ", vm.toString(a))
            );
            for (uint256 j; j < watchedSelectors.length; ++j) {
                bytes4 sel = watchedSelectors[j];
                assertEq(
                    lens.isSelectorOnAccessList(address(module), address(account), sessionKey, a, sel),
                    t.selectors[sel],
                    string.concat(when, ": selector ", vm.toString(abi.encodePacked(sel)), " of ", vm.toString(a))
                );
            }
        }
    }

    /// @dev Also compare the address and selector an update names (dirty bits masked off).
    function _watch(bytes memory u) internal {
        if (u.length >= 36) watchedTargets.push(address(uint160(_word(u, 0))));
        if (u.length >= 68) watchedSelectors.push(bytes4(bytes32(_word(u, 1))));
    }

    // ------------------------------------------------------------------ the reference decoder

    function _word(bytes memory u, uint256 n) internal pure returns (uint256) {
        return UpdateWords.word(u, n);
    }

    function _selectorOf(bytes memory u) internal pure returns (bytes4) {
        return UpdateWords.selectorOf(u);
    }

    /// @dev The number of static arguments of a known update, as the interface declares them.
    function _argCount(bytes4 sel) internal pure returns (bool known, uint256 count) {
        if (sel == Updates.setAccessListType.selector) return (true, 1);
        if (sel == Updates.updateAccessListAddressEntry.selector) return (true, 3);
        if (sel == Updates.updateAccessListFunctionEntry.selector) return (true, 3);
        if (sel == Updates.setTimeRange.selector) return (true, 2);
        if (sel == Updates.setNativeTokenSpendLimit.selector) return (true, 2);
        if (sel == Updates.removeNativeTokenSpendLimit.selector) return (true, 0);
        if (sel == Updates.setErc20SpendLimit.selector) return (true, 3);
        if (sel == Updates.removeErc20SpendLimit.selector) return (true, 1);
        if (sel == Updates.setGasSpendLimit.selector) return (true, 2);
        if (sel == Updates.removeGasSpendLimit.selector) return (true, 0);
        if (sel == Updates.setRequiredPaymaster.selector) return (true, 1);
        if (sel == Updates.setRefreshAnchor.selector) return (true, 1);
        return (false, 0);
    }

    function _malformed(uint256 i) internal pure returns (bytes memory) {
        return UpdateErrors.malformed(i);
    }

    function _targetError(uint256 w, uint256 i) internal view returns (bytes memory) {
        return UpdateErrors.target(w, i, address(account), address(module));
    }

    function _boolError(uint256 w, uint256 i) internal pure returns (bytes memory) {
        return w > 1 ? _malformed(i) : bytes("");
    }

    function _timestampError(uint256 w, uint256 i) internal pure returns (bytes memory) {
        if (w > MAX_U48) return _malformed(i);
        if (w > MAX_TS) return abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, w);
        return "";
    }

    function _limitError(uint256 w, uint256 max) internal pure returns (bytes memory) {
        return UpdateErrors.limit(w, max);
    }

    function _intervalError(uint256 w, uint256 i) internal pure returns (bytes memory) {
        return UpdateErrors.interval(w, i);
    }

    /// @dev The first error among `errs` (arguments are checked in order).
    function _first(bytes memory a, bytes memory b, bytes memory c) internal pure returns (bytes memory) {
        if (a.length != 0) return a;
        if (b.length != 0) return b;
        return c;
    }

    /// @return err The revert data the module must produce for update `u` at index `i`; empty when it applies.
    function _expectedError(bytes memory u, uint256 i) internal view returns (bytes memory err) {
        bytes4 sel = _selectorOf(u);
        (bool known, uint256 count) = _argCount(sel);
        if (!known) return abi.encodeWithSelector(ISessionKeyModule.UnknownPermissionUpdate.selector, i, sel);
        if (u.length != 4 + 32 * count) return _malformed(i);
        (uint256 w0, uint256 w1, uint256 w2) = (_word(u, 0), _word(u, 1), _word(u, 2));
        if (sel == Updates.setAccessListType.selector) {
            return w0 > 2 ? abi.encodeWithSelector(ISessionKeyModule.InvalidAccessListType.selector, w0) : bytes("");
        }
        if (sel == Updates.updateAccessListAddressEntry.selector) {
            return _first(_targetError(w0, i), _boolError(w1, i), _boolError(w2, i));
        }
        if (sel == Updates.updateAccessListFunctionEntry.selector) {
            return _first(_targetError(w0, i), w1 << 32 != 0 ? _malformed(i) : bytes(""), _boolError(w2, i));
        }
        if (sel == Updates.setTimeRange.selector) {
            bytes memory order = w1 != 0 && w0 > w1
                ? abi.encodeWithSelector(ISessionKeyModule.InvalidTimeRange.selector, w0, w1)
                : bytes("");
            return _first(_timestampError(w0, i), _timestampError(w1, i), order);
        }
        if (sel == Updates.setNativeTokenSpendLimit.selector) {
            return _first(_limitError(w0, MAX_NATIVE_LIMIT), _intervalError(w1, i), "");
        }
        if (sel == Updates.setGasSpendLimit.selector) {
            return _first(_limitError(w0, MAX_GAS_LIMIT), _intervalError(w1, i), "");
        }
        if (sel == Updates.setErc20SpendLimit.selector) {
            return _first(_targetError(w0, i), _limitError(w1, MAX_ERC20_LIMIT), _intervalError(w2, i));
        }
        if (sel == Updates.removeErc20SpendLimit.selector) return _targetError(w0, i);
        if (sel == Updates.setRequiredPaymaster.selector) return w0 > type(uint160).max ? _malformed(i) : bytes("");
        if (sel == Updates.setRefreshAnchor.selector) return _timestampError(w0, i);
        return ""; // removeNativeTokenSpendLimit, removeGasSpendLimit: the length was all there was to check
    }

    function _isAnchor(bytes memory u) internal pure returns (bool) {
        return _selectorOf(u) == Updates.setRefreshAnchor.selector;
    }

    /// @dev Applies a valid list of updates to the model: the setRefreshAnchor updates first, in order, then the others
    /// in order (a limit set in the same call with a new interval starts its period on the call's final anchor's grid).
    function _applyAllToModel(bytes[] memory updates) internal {
        for (uint256 i; i < updates.length; ++i) {
            if (_isAnchor(updates[i])) _applyToModel(updates[i]);
        }
        for (uint256 i; i < updates.length; ++i) {
            if (!_isAnchor(updates[i])) _applyToModel(updates[i]);
        }
    }

    /// @dev The revert data of a list of updates: the first bad setRefreshAnchor update's (they are applied first),
    /// else the first bad other update's; empty when all apply.
    function _expectedListError(bytes[] memory updates) internal view returns (bytes memory err) {
        for (uint256 pass; pass < 2; ++pass) {
            for (uint256 i; i < updates.length; ++i) {
                if (_isAnchor(updates[i]) != (pass == 0)) continue;
                err = _expectedError(updates[i], i);
                if (err.length != 0) return err;
            }
        }
    }

    /// @dev Applies a valid update to the model, as the interface describes it.
    function _applyToModel(bytes memory u) internal {
        bytes4 sel = _selectorOf(u);
        (uint256 w0, uint256 w1, uint256 w2) = (_word(u, 0), _word(u, 1), _word(u, 2));
        if (sel == Updates.setAccessListType.selector) {
            key.listType = w0;
        } else if (sel == Updates.updateAccessListAddressEntry.selector) {
            TargetModel storage t = targets[address(uint160(w0))];
            (t.onList, t.checkSelectors) = (w1 == 1, w2 == 1);
        } else if (sel == Updates.updateAccessListFunctionEntry.selector) {
            targets[address(uint160(w0))].selectors[bytes4(bytes32(w1))] = w2 == 1;
        } else if (sel == Updates.setTimeRange.selector) {
            (key.validFrom, key.validUntil) = (w0, w1);
        } else if (sel == Updates.setNativeTokenSpendLimit.selector) {
            _rebase(key.native, w0, w1);
            key.native.limited = true;
        } else if (sel == Updates.removeNativeTokenSpendLimit.selector) {
            key.native.limited = false; // the budget (limit, interval, spend) is kept
        } else if (sel == Updates.setErc20SpendLimit.selector) {
            Budget storage b = targets[address(uint160(w0))].erc20;
            _rebase(b, w1, w2);
            b.limited = true;
        } else if (sel == Updates.removeErc20SpendLimit.selector) {
            targets[address(uint160(w0))].erc20.limited = false; // the budget is kept; setting a limit continues it
        } else if (sel == Updates.setGasSpendLimit.selector) {
            _rebase(key.gas, w0, w1);
            key.gas.limited = true;
        } else if (sel == Updates.removeGasSpendLimit.selector) {
            key.gas.limited = false;
        } else if (sel == Updates.setRequiredPaymaster.selector) {
            key.paymaster = address(uint160(w0));
        } else if (sel == Updates.setRefreshAnchor.selector) {
            // No budget moves: each keeps its stored period (and spend) until it ends by its own clock.
            key.anchor = w0;
        }
    }

    // ------------------------------------------------------------------ the generator

    bytes4[12] internal KNOWN = [
        Updates.setAccessListType.selector,
        Updates.updateAccessListAddressEntry.selector,
        Updates.updateAccessListFunctionEntry.selector,
        Updates.setTimeRange.selector,
        Updates.setNativeTokenSpendLimit.selector,
        Updates.removeNativeTokenSpendLimit.selector,
        Updates.setErc20SpendLimit.selector,
        Updates.removeErc20SpendLimit.selector,
        Updates.setGasSpendLimit.selector,
        Updates.removeGasSpendLimit.selector,
        Updates.setRequiredPaymaster.selector,
        Updates.setRefreshAnchor.selector
    ];

    // Argument types: 1 target address, 2 bool, 3 bytes4, 4 timestamp, 5 native limit, 6 interval, 7 list type, 8 any
    // address, 9 ERC-20 limit, 10 gas limit.
    function _argTypes(uint256 kind) internal pure returns (uint8[3] memory t) {
        if (kind == 0) t = [7, 0, 0];
        else if (kind == 1) t = [1, 2, 2];
        else if (kind == 2) t = [1, 3, 2];
        else if (kind == 3) t = [4, 4, 0];
        else if (kind == 4) t = [5, 6, 0];
        else if (kind == 8) t = [10, 6, 0];
        else if (kind == 6) t = [1, 9, 6];
        else if (kind == 7) t = [1, 0, 0];
        else if (kind == 10) t = [8, 0, 0];
        else if (kind == 11) t = [4, 0, 0];
    }

    function _pick(uint256 r, uint256 n) internal pure returns (uint256) {
        return (r >> 16) % n;
    }

    function _address(uint256 r) internal view returns (uint256) {
        address[11] memory palette = [
            address(target),
            address(token),
            recipient,
            address(0),
            address(account),
            address(module),
            0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789,
            0x0000000071727De22E5E9d8BAf0edAc6f37da032,
            0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108,
            0x433709009B8330FDa32311DF1C2AFA402eD8D009,
            address(uint160(r >> 40))
        ];
        return uint160(palette[_pick(r, 11)]);
    }

    /// @dev A word of type `t`: mostly a clean value of that type (often at the edge of its range), sometimes the same
    /// value with dirty high bits, sometimes the fuzzer's raw word.
    function _argWord(uint8 t, uint256 r, uint256 raw) internal view returns (uint256) {
        uint256 mode = r % 8;
        if (mode == 0) return raw;
        uint256 dirty = mode == 1 ? (r >> 100) | 1 : 0;
        uint256 now_ = block.timestamp;
        if (t == 1 || t == 8) return _address(r) | (dirty << 160);
        if (t == 2) return _pick(r, 2) | (dirty << 1);
        if (t == 3) {
            bytes4[6] memory sels = [F1, F2, F3, TRANSFER, bytes4(0), bytes4(uint32(r >> 200))];
            return uint256(bytes32(sels[_pick(r, 6)])) | (dirty >> 32);
        }
        if (t == 4) {
            uint256[8] memory ts = [
                0,
                now_ - (r >> 40) % 30 days,
                now_ + (r >> 40) % 30 days,
                MAX_TS,
                MAX_TS + 1,
                MAX_U48,
                1,
                (r >> 60) % MAX_TS
            ];
            return ts[_pick(r, 8)] | (dirty << 48);
        }
        if (t == 5 || t == 9 || t == 10) {
            uint256 max = t == 5 ? MAX_NATIVE_LIMIT : t == 9 ? MAX_ERC20_LIMIT : MAX_GAS_LIMIT;
            uint256[6] memory limits = [0, (r >> 40) % 1e24, max, max + 1, r >> (r % 256), (r >> 40) % max];
            return limits[_pick(r, 6)];
        }
        if (t == 6) {
            // DAY and WEEK: the set-up's token and native intervals (a limit re-sent keeps its running period).
            uint256[8] memory intervals = [0, 1, DAY, WEEK, MAX_U32, MAX_U32 + 1, MAX_U48, (r >> 40) % MAX_U32];
            return intervals[_pick(r, 8)] | (dirty << 48);
        }
        if (t == 7) return _pick(r, 4) | (dirty << 8); // 3 is out of range
        return r;
    }

    /// @dev A random update: one of the known functions or an unknown selector, with words of the declared types, and
    /// sometimes a wrong length.
    function _genUpdate(uint256 seed, uint256[3] memory raw) internal view returns (bytes memory u) {
        uint256 kind = seed % 15;
        if (kind == 14) {
            // Shorter than a selector.
            uint256 len = (seed >> 8) % 4;
            u = new bytes(len);
            for (uint256 j; j < len; ++j) {
                u[j] = bytes1(uint8(raw[0] >> (8 * j)));
            }
            return u;
        }
        bytes4 sel;
        uint256 count;
        uint8[3] memory types;
        if (kind >= 12) {
            sel = bytes4(bytes32(raw[0]));
            // The fuzzer's dictionary holds the module's own selectors: a known update the model does not cover is
            // not an unknown one.
            (bool modelled,) = _argCount(sel);
            vm.assume(modelled || !moduleKnows[sel]);
            count = (seed >> 8) % 4;
        } else {
            sel = KNOWN[kind];
            (, count) = _argCount(sel);
            types = _argTypes(kind);
        }
        u = abi.encodePacked(sel);
        for (uint256 j; j < count; ++j) {
            uint256 r = uint256(keccak256(abi.encode(seed, j)));
            u = bytes.concat(u, bytes32(kind >= 12 ? raw[j] : _argWord(types[j], r, raw[j])));
        }
        uint256 lengthMode = (seed >> 16) % 16;
        if (lengthMode == 0) {
            u = bytes.concat(u, new bytes(1 + (seed >> 24) % 31)); // trailing bytes
        } else if (lengthMode == 1) {
            u = bytes.concat(u, bytes32(raw[2])); // one word too many
        } else if (lengthMode == 2 && u.length >= 4 + 1) {
            // cut 1..32 bytes off the end (the selector stays)
            uint256 cut = 1 + (seed >> 24) % 32;
            if (cut > u.length - 4) cut = u.length - 4;
            assembly ("memory-safe") {
                mstore(u, sub(mload(u), cut))
            }
        }
    }

    // ------------------------------------------------------------------ tests

    function _updateExpecting(bytes[] memory updates, bytes memory err) internal {
        vm.prank(address(account));
        if (err.length != 0) vm.expectRevert(err);
        module.updateKeyPermissions(sessionKey, updates);
    }

    /// One random update: applied exactly, or refused with the predicted error and nothing changed.
    function testFuzz_update_appliesExactlyOrRevertsCleanly(uint256 seed, uint256[3] memory raw) public {
        bytes memory u = _genUpdate(seed, raw);
        _watch(u);
        bytes memory err = _expectedError(u, 0);
        _updateExpecting(_one(u), err);
        if (err.length == 0) _applyToModel(u);
        _assertMatchesModel(err.length == 0 ? "applied" : "refused");
    }

    /// A list of random updates: all applied (anchors first, then the rest in order), or refused with the first bad
    /// one's error and index (a bad anchor's first), and nothing changed (not even by the good updates before it).
    function testFuzz_updateList_allOrNothing(uint256[3] memory seeds, uint256[3] memory raw) public {
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = _genUpdate(seeds[i], raw);
            _watch(updates[i]);
        }
        bytes memory err = _expectedListError(updates);
        _updateExpecting(updates, err);
        if (err.length == 0) _applyAllToModel(updates);
        _assertMatchesModel(err.length == 0 ? "applied" : "refused");
    }

    /// Past 2^32 - 1 (2106) every update call reverts TimestampOutOfRange(block.timestamp) before reading an update
    /// (stored periods could not hold the time), even an empty list, and changes nothing; at 2^32 - 1 updates apply.
    function testFuzz_updatesPast32BitTime_revertTimestampOutOfRange(uint256 t, uint256 seed, uint256[3] memory raw)
        public
    {
        bytes memory u = _genUpdate(seed, raw);
        _watch(u);
        t = bound(t, MAX_TS + 1, MAX_U48);
        vm.warp(t);
        bytes memory err = abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, t);
        _updateExpecting(_one(u), err);
        _updateExpecting(new bytes[](0), err);
        vm.prank(address(account));
        vm.expectRevert(err);
        module.addSessionKey(makeAddr("newKey"), bytes32("new"), _one(u));
        _assertMatchesModel("refused past 2^32 - 1");

        vm.warp(MAX_TS);
        err = _expectedError(u, 0);
        _updateExpecting(_one(u), err);
        if (err.length == 0) _applyToModel(u);
        _assertMatchesModel(err.length == 0 ? "applied at 2^32 - 1" : "refused at 2^32 - 1");
    }

    /// addSessionKey with a bad update adds no key; with good ones the new key holds exactly what they say.
    function testFuzz_addSessionKey_withRandomUpdate(uint256 seed, uint256[3] memory raw) public {
        bytes memory u = _genUpdate(seed, raw);
        bytes memory err = _expectedError(u, 1);
        bytes[] memory updates = new bytes[](2);
        updates[0] = _nativeLimit(5, 0);
        updates[1] = u;
        address newKey = makeAddr("newKey");
        vm.prank(address(account));
        if (err.length != 0) vm.expectRevert(err);
        module.addSessionKey(newKey, bytes32("new"), updates);
        assertEq(lens.isSessionKeyOf(address(module), address(account), newKey), err.length == 0, "added iff valid");
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, err.length == 0 ? 2 : 1, "key count");
        if (err.length == 0) {
            ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), newKey);
            assertEq(info.tag, bytes32("new"), "tag");
            bool setsNative = _selectorOf(u) == Updates.setNativeTokenSpendLimit.selector;
            bool removesNative = _selectorOf(u) == Updates.removeNativeTokenSpendLimit.selector;
            assertEq(info.nativeTokenSpend.limit, setsNative ? _word(u, 0) : 5, "native limit");
            assertEq(info.nativeTokenSpend.hasLimit, !removesNative, "native hasLimit");
            assertEq(info.nativeTokenSpend.used, 0, "fresh counters");
        }
        _assertMatchesModel("the other key");
    }

    // ------------------------------------------------------------------ targeted encodings

    /// @dev Puts `bad` at index `pos` among updates that would change things, and expects `err` with nothing changed.
    function _expectRefusedAt(bytes memory bad, uint256 pos, bytes memory err) internal {
        pos = pos % 3;
        bytes[] memory updates = new bytes[](3);
        for (uint256 i; i < 3; ++i) {
            updates[i] = i == pos ? bad : _listType(AccessListType.ALLOW_ALL);
        }
        _watch(bad);
        _updateExpecting(updates, err);
        _assertMatchesModel("refused");
    }

    function testFuzz_dirtyBoolWord_isMalformed(uint256 w, uint8 which, uint8 pos) public {
        w = bound(w, 2, type(uint256).max);
        bytes memory u = which % 3 == 0
            ? abi.encodeWithSelector(Updates.updateAccessListAddressEntry.selector, address(target), w, true)
            : which % 3 == 1
                ? abi.encodeWithSelector(Updates.updateAccessListAddressEntry.selector, address(target), false, w)
                : abi.encodeWithSelector(Updates.updateAccessListFunctionEntry.selector, address(target), F3, w);
        _expectRefusedAt(u, pos, _malformed(pos % 3));
    }

    function testFuzz_dirtyAddressWord_isMalformed(uint256 high, uint8 which, uint8 pos) public {
        high = bound(high, 1, type(uint96).max);
        uint256 w = uint256(uint160(address(target))) | (high << 160);
        bytes memory u;
        which = which % 5;
        if (which == 0) u = abi.encodeWithSelector(Updates.updateAccessListAddressEntry.selector, w, true, false);
        else if (which == 1) u = abi.encodeWithSelector(Updates.updateAccessListFunctionEntry.selector, w, F1, true);
        else if (which == 2) u = abi.encodeWithSelector(Updates.setErc20SpendLimit.selector, w, 1, 0);
        else if (which == 3) u = abi.encodeWithSelector(Updates.removeErc20SpendLimit.selector, w);
        else u = abi.encodeWithSelector(Updates.setRequiredPaymaster.selector, w);
        _expectRefusedAt(u, pos, _malformed(pos % 3));
    }

    function testFuzz_dirtyBytes4Word_isMalformed(uint256 low, bytes4 sel, uint8 pos) public {
        low = bound(low, 1, type(uint224).max);
        uint256 w = uint256(bytes32(sel)) | low;
        bytes memory u =
            abi.encodeWithSelector(Updates.updateAccessListFunctionEntry.selector, address(target), w, true);
        _expectRefusedAt(u, pos, _malformed(pos % 3));
    }

    /// uint48 words: above 2^48 - 1 malformed; timestamps and intervals above 2^32 - 1 out of range.
    function testFuzz_uint48Words(uint256 w, uint8 which, uint8 pos) public {
        which = which % 7;
        bool isTimestamp = which <= 2;
        w = bound(w, isTimestamp ? MAX_TS + 1 : MAX_U32 + 1, type(uint256).max);
        bytes memory u;
        if (which == 0) u = abi.encodeWithSelector(Updates.setTimeRange.selector, w, 0);
        else if (which == 1) u = abi.encodeWithSelector(Updates.setTimeRange.selector, 0, w);
        else if (which == 2) u = abi.encodeWithSelector(Updates.setRefreshAnchor.selector, w);
        else if (which == 3) u = abi.encodeWithSelector(Updates.setNativeTokenSpendLimit.selector, 1, w);
        else if (which == 4) u = abi.encodeWithSelector(Updates.setGasSpendLimit.selector, 1, w);
        else u = abi.encodeWithSelector(Updates.setErc20SpendLimit.selector, address(token), 1, w);
        bytes memory err;
        if (w > MAX_U48) err = _malformed(pos % 3);
        else if (isTimestamp) err = abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, w);
        else err = abi.encodeWithSelector(ISessionKeyModule.RefreshIntervalTooLarge.selector, w);
        _expectRefusedAt(u, pos, err);
    }

    /// The list type word: 0, 1, 2 are the types; anything else, clean or dirty, is InvalidAccessListType.
    function testFuzz_listTypeWord(uint256 w) public {
        bytes memory u = abi.encodeWithSelector(Updates.setAccessListType.selector, w);
        bytes memory err =
            w > 2 ? abi.encodeWithSelector(ISessionKeyModule.InvalidAccessListType.selector, w) : bytes("");
        _updateExpecting(_one(u), err);
        if (w <= 2) key.listType = w;
        _assertMatchesModel("list type");
    }

    /// Every known update with any length but its exact one is malformed.
    function testFuzz_wrongLength_isMalformed(uint8 kind, uint256 len, bytes32 fill, uint8 pos) public {
        bytes4 sel = KNOWN[kind % 12];
        (, uint256 count) = _argCount(sel);
        len = bound(len, 4, 4 + 32 * 5);
        vm.assume(len != 4 + 32 * count);
        bytes memory u = new bytes(len);
        for (uint256 j; j < len; ++j) {
            u[j] = j < 4 ? sel[j] : fill[j % 32];
        }
        _expectRefusedAt(u, pos, _malformed(pos % 3));
    }

    /// Unknown selectors (and updates shorter than 4 bytes) are refused by name.
    function testFuzz_unknownSelector(bytes memory u, uint8 pos) public {
        vm.assume(!moduleKnows[_selectorOf(u)]);
        _expectRefusedAt(
            u, pos, abi.encodeWithSelector(ISessionKeyModule.UnknownPermissionUpdate.selector, pos % 3, _selectorOf(u))
        );
    }
}
