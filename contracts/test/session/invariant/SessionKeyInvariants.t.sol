// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {StdInvariant} from "forge-std/StdInvariant.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {SessionKeyTestBase} from "../../utils/SessionKeyTestBase.sol";
import {SessionHandler} from "./SessionHandler.sol";
import {IModuleInitialized} from "../fuzz/SessionFuzzHelpers.sol";

/**
 * @dev Invariants of the session key module over random sequences of session ops (through EntryPoint v0.8), owner
 * updates, rotations, removals, re-adds, revoke-all, uninstall/reinstall and time jumps. See {SessionHandler}.
 */
/// forge-config: default.invariant.runs = 64
/// forge-config: default.invariant.depth = 100
/// forge-config: deep.invariant.runs = 10000
/// forge-config: deep.invariant.depth = 50
contract SessionKeyInvariantTest is SessionKeyTestBase {
    SessionHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new SessionHandler(entryPoint, beneficiary, module, lens, account, token);
        vm.deal(address(account), 100_000 ether);
        token.mint(address(account), 1e30);
        // Start with two keys: one that can act, one random.
        handler.addOpenKey(0);
        handler.addKey(1, 2);

        // Duplicates weight the choice: mostly session ops, regular owner changes and time jumps, rare revoke-all and
        // uninstall (each wipes every key; addKey reinstalls the module when it is uninstalled).
        bytes4[15] memory actions = [
            SessionHandler.opSingle.selector,
            SessionHandler.opTransfer.selector,
            SessionHandler.opNative.selector,
            SessionHandler.opBatch.selector,
            SessionHandler.opBundle.selector,
            SessionHandler.addKey.selector,
            SessionHandler.updateKey.selector,
            SessionHandler.changeLimit.selector,
            SessionHandler.refreshSpend.selector,
            SessionHandler.removeKey.selector,
            SessionHandler.rotateKey.selector,
            SessionHandler.warp.selector,
            SessionHandler.revokeAll.selector,
            SessionHandler.toggleInstall.selector,
            SessionHandler.opNonCanonical.selector
        ];
        uint8[15] memory weights = [6, 6, 6, 6, 6, 8, 5, 3, 3, 2, 3, 6, 1, 1, 4];
        bytes4[] memory selectors = new bytes4[](66);
        uint256 n;
        for (uint256 i; i < actions.length; ++i) {
            for (uint256 w; w < weights[i]; ++w) {
                selectors[n++] = actions[i];
            }
        }
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ------------------------------------------------------------------ the invariants of the issue

    /// The spend moved in any period of a budget (as the module runs it: [start, start + interval) by its own clock),
    /// counting what was spent in that period before a change of limit, interval or anchor, never exceeds the limit.
    /// The one exception: a limit lowered below what was already spent, while nothing more moves.
    function invariant_spendPerPeriodNeverExceedsLimit() public view {
        assertEq(handler.ghost_spendOverLimit(), 0, handler.ghost_lastFailure());
        uint256 n = handler.spendRecords();
        for (uint256 i; i < n; ++i) {
            (uint256 moved, uint256 limit, uint256 carried) = handler.spendRecord(i);
            if (moved > carried) assertLe(moved, limit, "spend in a period over its limit");
        }
    }

    /// A budget never leaves its period before that period has ended by its own clock, [start, start + interval): no
    /// fresh period (the whole limit again) opens early, and no two of its periods overlap. Strict, for every kind of
    /// budget (ERC-20, native, gas): neither an anchor change nor a limit re-sent with the same interval moves a running
    /// period; only a change of interval starts a new one (at the grid period of now, carrying the spend).
    function invariant_periodsNeverOverlap() public view {
        assertEq(handler.ghost_periodOpenedEarly(), 0, handler.ghost_lastFailure());
    }

    /// No call outside the key's access list ever executed (the recorders got exactly the calls the model allowed).
    function invariant_noCallOutsideAccessListExecuted() public view {
        assertEq(handler.ghost_disallowedCallExecuted(), 0, handler.ghost_lastFailure());
        assertEq(
            handler.recA().callCount() + handler.recB().callCount(),
            handler.ghost_expectedRecorderCalls(),
            "recorder calls"
        );
    }

    /// No op of an expired, not yet valid, removed, rotated-away, revoked or uninstalled key ever validated.
    function invariant_inactiveKeysNeverValidate() public view {
        assertEq(handler.ghost_invalidKeyValidated(), 0, handler.ghost_lastFailure());
        for (uint256 status = 1; status < 8; ++status) {
            assertEq(handler.validatedByStatus(status), 0, "an inactive key validated");
        }
    }

    /// Every bundle validated iff the model of the permissions says so, and executed what the model says.
    function invariant_validationMatchesModel() public view {
        assertEq(handler.ghost_predictionMismatch(), 0, handler.ghost_lastFailure());
        assertEq(handler.ghost_executionMismatch(), 0, handler.ghost_lastFailure());
        assertEq(handler.ghost_managementMismatch(), 0, handler.ghost_lastFailure());
    }

    /// One reading of the calls (issue 13): no op whose calls are not in the canonical ABI encoding ever validates, and
    /// refusing one changes no balance, no recorder, no budget.
    function invariant_onlyCanonicalCallsValidate() public view {
        assertEq(handler.ghost_nonCanonicalValidated(), 0, handler.ghost_lastFailure());
        assertEq(handler.ghost_refusedOpChangedState(), 0, handler.ghost_lastFailure());
    }

    // ------------------------------------------------------------------ views

    /// sessionKeysOf and isSessionKeyOf match the model's set of active keys.
    function invariant_keySetMatchesModel() public view {
        address[] memory expected = handler.activeKeys();
        address[] memory actual = lens.sessionKeysOf(address(module), address(account));
        assertEq(actual.length, expected.length, "number of keys");
        for (uint256 i; i < actual.length; ++i) {
            bool found;
            for (uint256 j; j < expected.length; ++j) {
                if (actual[i] == expected[j]) found = true;
            }
            assertTrue(found, "sessionKeysOf lists an inactive key");
            for (uint256 j; j < i; ++j) {
                assertTrue(actual[i] != actual[j], "sessionKeysOf lists a key twice");
            }
        }
        for (uint256 k; k < handler.keyCount(); ++k) {
            assertEq(lens.isSessionKeyOf(address(module), address(account), handler.keys(k)), handler.isActive(k), "isSessionKeyOf");
        }
        assertEq(
            IModuleInitialized(address(module)).isInitialized(address(account)), handler.installed(), "isInitialized"
        );
    }

    /// getSessionKeyInfo, getErc20SpendLimit (used, remaining, period), getAccessListEntry and isSelectorOnAccessList
    /// match the model for every active key.
    function invariant_permissionViewsMatchModel() public view {
        for (uint256 k; k < handler.keyCount(); ++k) {
            if (!handler.isActive(k)) continue;
            address key = handler.keys(k);
            ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), key);
            ISessionKeyLens.SessionKeyInfo memory want = handler.expectedInfo(k);
            assertEq(info.tag, want.tag, "tag");
            assertEq(info.validFrom, want.validFrom, "validFrom");
            assertEq(info.validUntil, want.validUntil, "validUntil");
            assertEq(uint256(info.accessListType), uint256(want.accessListType), "listType");
            assertEq(info.refreshAnchor, want.refreshAnchor, "anchor");
            assertEq(info.requiredPaymaster, address(0), "paymaster");
            _assertStatusEq(info.nativeTokenSpend, want.nativeTokenSpend, "native");
            _assertStatusEq(info.gasSpend, want.gasSpend, "gas");
            _assertStatusEq(
                lens.getErc20SpendLimit(address(module), address(account), key, address(handler.token())),
                handler.expectedStatus(k, 0),
                "erc20"
            );
            _assertStatusEq(
                lens.getCallLimit(address(module), address(account), key), handler.expectedStatus(k, 3), "calls"
            );
            _assertEntries(k, key);
        }
    }

    function _assertEntries(uint256 k, address key) internal view {
        for (uint256 t; t < 4; ++t) {
            address target = handler.targetAddress(t);
            (bool onList, bool checks, uint16 sels) = handler.expectedEntry(k, t);
            (bool actualOnList, bool actualChecks) = lens.getAccessListEntry(address(module), address(account), key, target);
            assertEq(actualOnList, onList, "entry onList");
            assertEq(actualChecks, checks, "entry checkSelectors");
            for (uint256 i; i < 7; ++i) {
                uint256 sel = handler.selectorFor(t, i);
                assertEq(
                    lens.isSelectorOnAccessList(address(module), address(account), key, target, handler.selectorOf(sel)),
                    (sels >> sel) & 1 == 1,
                    "selector entry"
                );
            }
        }
    }

    /// A fixed pseudo-random walk through the handler: the model must agree with the module all along, and the walk
    /// must reach accepted bundles and refusals of every kind of inactive key (otherwise the invariants prove little).
    function test_handlerWalk_reachesEveryKindOfOutcome() public {
        for (uint256 i; i < 400; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            uint256 action = r % 16;
            uint256 a = r >> 8;
            uint256 b = uint256(keccak256(abi.encode(r)));
            uint256 c = uint256(keccak256(abi.encode(b)));
            if (action == 0) handler.opSingle(a, b, c);
            else if (action == 1) handler.opTransfer(a, b, c);
            else if (action == 2) handler.opNative(a, b, c);
            else if (action == 3) handler.opBatch(a, b, c);
            else if (action == 4) handler.opBundle(a, b, c);
            else if (action == 5) handler.addKey(a, b);
            else if (action == 6) handler.updateKey(a, b);
            else if (action == 7) handler.removeKey(a);
            else if (action == 8) handler.rotateKey(a, b);
            else if (action == 9 && r % 3 == 0) handler.revokeAll();
            else if (action == 10 && r % 3 == 0) handler.toggleInstall();
            else if (action == 11) handler.warp(a);
            else if (action == 12) handler.changeLimit(a, b);
            else if (action == 13) handler.refreshSpend(a, b);
            else if (action == 14) handler.opNonCanonical(a, b, c);
            else handler.opSingle(a, b, c);
            invariant_validationMatchesModel();
            invariant_spendPerPeriodNeverExceedsLimit();
            invariant_periodsNeverOverlap();
            invariant_noCallOutsideAccessListExecuted();
            invariant_inactiveKeysNeverValidate();
            invariant_keySetMatchesModel();
            invariant_permissionViewsMatchModel();
            invariant_onlyCanonicalCallsValidate();
        }
        handler.summary();
        assertGt(handler.nonCanonicalOpsRefused(), 10, "non-canonical ops refused");
        assertGt(handler.refusedByReason(10), 0, "ops refused by a call limit");
        assertGt(handler.bundlesAccepted(), 20, "accepted bundles");
        assertGt(handler.ghost_expectedRecorderCalls(), 0, "recorder calls");
        assertGt(handler.periodChargesChecked(), 20, "period charges");
        assertGt(handler.carriedSpends(), 0, "spends carried over a change of limit, interval or anchor");
        assertGt(handler.roundedGasCharges(), 0, "gas charges rounded up to whole gwei");
        assertGt(handler.freshPeriods(), 0, "fresh periods opened by ops");
        assertGt(handler.chargesBeforeStoredPeriod(), 0, "charges stating a time before the stored period");
        assertGt(handler.anchorKeptPeriods(), 0, "running periods an anchor change kept");
        assertGt(handler.limitKeptPeriods(), 0, "running periods a limit re-sent with the same interval kept");
        for (uint256 status = 1; status < 8; ++status) {
            if (status == 1) continue; // every pool key gets added early
            assertGt(handler.refusedByStatus(status), 0, string.concat("refused ops with status ", vm.toString(status)));
        }
    }

    function afterInvariant() external view {
        handler.summary();
    }
}
