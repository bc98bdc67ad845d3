// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {console} from "forge-std/console.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution, MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {DevToken} from "../../../src/dev/DevToken.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {LeashTestBase, IEntryPointV08} from "../../utils/LeashTestBase.sol";
import {CallRecorder, Reference, IModuleInitialized} from "../fuzz/SessionFuzzHelpers.sol";
import {EncodingMutator} from "../differential/CallReadings.sol";

/**
 * @dev Drives random sequences of session ops (through the real EntryPoint), owner updates, rotations, removals,
 * re-adds, revoke-all, uninstall/reinstall and time jumps against one account, and keeps:
 * - a model of every key's permissions and budgets (written from the interface NatSpec and DESIGN.md), which
 *   predicts whether each bundle validates, what it moves, and what every view returns. Budgets: a refreshing budget
 *   charges its stored period [start, start + interval) until that period ends by its own clock (an op stating a time
 *   before it charges it too, and runs only inside it); after that an op opens the period of its stated time on the
 *   anchor's grid, from the whole limit, never before the stored period's end (Reference.budgetPeriod). A change of
 *   limit or interval keeps the spend of the current period (a lowered limit keeps its debt): with the same interval
 *   in the running stored period, otherwise in the period of now on the grid (Reference.startAfterChange). An anchor
 *   change moves no budget of any kind; within one call the anchor applies first. Gas is kept in whole gwei, each op
 *   charged its maximum cost rounded up (ops carry maxFeePerGas with fractions of a gwei);
 * - ghosts of what actually happened: a ledger per (session, budget) of its periods as the module runs them (each
 *   period's end by its own clock, read from the module's view when an op opens it), the spend moved in each, including
 *   the spend a change of limit or interval carried into it; the calls the recorder targets received; and which key
 *   status each validated op had. While a ledger period runs, the module must stay in it, for every kind of budget
 *   (no fresh period opens before the previous one ended): no anchor change touches a ledger, and a limit re-sent with
 *   the same interval continues the running ledger period (checked after every op and every update). Only a change
 *   of interval starts a new period at the grid period of now, carrying the spend.
 * Discrepancies are counted in ghost_* counters that the invariants require to stay 0.
 */
contract SessionHandler is LeashTestBase {
    uint256 internal constant NKEYS = 4;
    uint256 internal constant NTARGETS = 4; // 0 recorder A, 1 recorder B, 2 token, 3 ETH recipient (EOA)
    uint256 internal constant OPEN = type(uint48).max;
    uint256 internal constant OP_GAS = 500_000 + 500_000 + 50_000; // every op's verification + call + preVerification gas
    uint256 internal constant MAX_COST = OP_GAS * 2 gwei; // an op's maximum cost at the usual maxFeePerGas
    uint256 internal constant GWEI = 1 gwei;
    uint256 internal constant ERC20 = 0;
    uint256 internal constant NATIVE = 1;
    uint256 internal constant GAS = 2;
    uint256 internal constant CALLS = 3; // the call-count budget: an op charges its number of calls
    uint256 internal constant NBUDGETS = 4;
    bytes32 internal constant USER_OP_EVENT =
        keccak256("UserOperationEvent(bytes32,address,address,uint256,bool,uint256,uint256)");

    // Status of a key when one of its ops is sent.
    uint256 internal constant ACTIVE = 0;
    uint256 internal constant NEVER_ADDED = 1;
    uint256 internal constant REMOVED = 2;
    uint256 internal constant ROTATED_AWAY = 3;
    uint256 internal constant REVOKED = 4;
    uint256 internal constant UNINSTALLED = 5;
    uint256 internal constant NOT_YET_VALID = 6;
    uint256 internal constant EXPIRED = 7;

    struct Budget {
        bool limited;
        uint256 limit;
        uint256 interval;
        uint256 used; // charge units: wei or token units, whole gwei for GAS, calls for CALLS
        uint256 stored; // start of the period `used` belongs to
    }

    /// Ghost: the budget's period as the module runs it, and the record of the spend moved in it.
    struct Ledger {
        bytes32 id; // the spend record (0: none yet)
        uint256 end; // exclusive, by the period's own clock (type(uint256).max for a lifetime limit)
    }

    struct Entry {
        bool onList;
        bool checkSelectors;
        uint16 selectors; // bit i: selector index i is on the list
    }

    struct Session {
        uint256 id;
        bytes32 tag;
        uint256 validFrom;
        uint256 validUntil;
        uint256 listType;
        uint256 anchor;
        Budget[4] budgets; // ERC20 (the token), NATIVE, GAS, CALLS
        Entry[4] entries;
        Ledger[4] ledgers; // ghosts, per budget
    }

    /// target: 0..3 as above; 4 the account, 5 the module, 6 the EntryPoint, 7 address(0).
    /// selector index: 0 f1, 1 f2, 2 f3, 3 empty calldata, 4..6 unknown (recorder fallback), 7 transfer, 8 approve,
    /// 9 transferFrom.
    struct Call {
        uint256 target;
        uint256 selector;
        uint256 value;
        uint256 amount;
    }

    struct Prediction {
        bool ok;
        bool executes;
        uint256 from;
        uint256 until;
        Budget[4] budgets;
        bool[4] charged;
        bool[4] refreshed; // the charge opened a new period
        bool[4] beforeStored; // the stated time was before the budget's stored period
        uint256 calls; // how many calls the op makes (what it charges a call-count budget)
        uint256 transferred;
        uint256 approved;
        uint256 lastApprove;
        bool hasApprove;
        uint256 values;
        uint256 recorderCalls;
        uint256 reason; // why the model refuses (see refusedByReason)
    }

    struct OpSpec {
        uint256 key;
        Call[] calls;
        bool batch;
        uint256 statedTime;
        uint256 maxFee; // maxFeePerGas: the op's maximum cost is OP_GAS × maxFee
    }

    ISessionKeyModule public module;
    ISessionKeyLens public lens;
    LeashAccount public account;
    DevToken public token;
    CallRecorder public recA;
    CallRecorder public recB;
    address public tokenRecipient = makeAddr("tokenRecipient");
    address public spender = makeAddr("spender");
    address public ethRecipient = makeAddr("ethRecipient");
    address[NKEYS] public keys;
    uint256[NKEYS] internal pks;

    // ------------------------------------------------------------------ model
    bool public installed = true;
    uint256 internal lastSessionId;
    uint256[NKEYS] public sessionOf; // 0: not a key
    uint256[NKEYS] internal goneReason; // why a key is not a key: NEVER_ADDED, REMOVED, ROTATED_AWAY, REVOKED, UNINSTALLED
    mapping(uint256 sessionId => Session) internal sessions;

    // ------------------------------------------------------------------ ghosts
    uint256 public ghost_predictionMismatch; // validation outcome differs from the model
    uint256 public ghost_executionMismatch; // execution outcome or moved amounts differ from the model
    uint256 public ghost_managementMismatch; // a management call succeeded/failed against the model
    uint256 public ghost_spendOverLimit; // spend moved in a period beyond the limit in force
    uint256 public ghost_periodOpenedEarly; // a budget left its period before that period ended by its own clock
    uint256 public ghost_disallowedCallExecuted; // a recorder received a call its key's access list refuses
    uint256 public ghost_invalidKeyValidated; // an op of a removed/revoked/rotated/expired/... key validated
    uint256 public ghost_expectedRecorderCalls; // calls the recorders should have received
    uint256 public ghost_nonCanonicalValidated; // an op whose calls are not canonically encoded validated
    uint256 public ghost_refusedOpChangedState; // a refused non-canonical op changed balances, calls or budgets
    uint256 public nonCanonicalOpsRefused;
    string public ghost_lastFailure;

    /// Spend moved per ledger period (session, budget kind, sequence number), with the limit in force at its last op
    /// and the spend carried into it from the period before a change (a change keeps the current period's spend).
    bytes32[] internal spendKeys;
    uint256 internal ledgerSeq;
    mapping(bytes32 => uint256) public spendMoved;
    mapping(bytes32 => uint256) public spendLimit;
    mapping(bytes32 => uint256) public spendCarried;

    // statistics (for the summary)
    uint256[8] public validatedByStatus;
    uint256[8] public refusedByStatus;
    /// 0 accepted, 1 no key, 2 forbidden target, 3 access list, 4 ERC-20 function, 5 ERC-20 limit, 6 native limit,
    /// 7 gas limit, 8 outside the window, 9 stated time before the first period, 10 call limit.
    uint256[11] public refusedByReason;
    uint256 public bundlesAccepted;
    uint256 public bundlesRefused;
    uint256 public periodChargesChecked;
    uint256 public carriedSpends; // changes that carried a spend into the new epoch
    uint256 public carriedDebts; // ... more than the new limit (a limit lowered below the spend)
    uint256 public roundedGasCharges; // accepted ops whose maximum cost was not a whole number of gwei
    uint256 public freshPeriods; // ledger periods opened by an op (a refreshing budget starting again)
    uint256 public freshPeriodsOffGrid; // ... whose grid period began before the previous period ended (anchor moved)
    uint256 public chargesBeforeStoredPeriod; // accepted charges stating a time before the budget's stored period
    uint256 public anchorKeptPeriods; // running budget periods (any kind) an anchor change kept (did not move)
    uint256 public limitKeptPeriods; // running budget periods a limit re-sent with the same interval kept
    uint256 internal lastChargedKey; // 1 + the key of the last accepted op that charged a limited budget (0: none)
    uint256 internal lastChargedKind;
    mapping(bytes32 => uint256) public actionCount;

    constructor(
        IEntryPointV08 entryPoint_,
        address payable beneficiary_,
        ISessionKeyModule module_,
        ISessionKeyLens lens_,
        LeashAccount account_,
        DevToken token_
    ) {
        entryPoint = entryPoint_;
        beneficiary = beneficiary_;
        module = module_;
        lens = lens_;
        account = account_;
        token = token_;
        recA = new CallRecorder();
        recB = new CallRecorder();
        for (uint256 k; k < NKEYS; ++k) {
            (keys[k], pks[k]) = makeAddrAndKey(string.concat("session", vm.toString(k)));
            goneReason[k] = NEVER_ADDED;
        }
    }

    modifier counted(string memory name) {
        ++actionCount[keccak256(bytes(name))];
        _;
    }

    // ================================================================== actions: session ops

    /// @dev Mostly a key that is active (or inactive, for `active` false), otherwise any key of the pool.
    function _pickKey(uint256 seed, bool active) internal view returns (uint256) {
        if (seed % 4 != 0) {
            uint256[NKEYS] memory candidates;
            uint256 n;
            for (uint256 k; k < NKEYS; ++k) {
                if ((installed && sessionOf[k] != 0) == active) candidates[n++] = k;
            }
            if (n != 0) return candidates[(seed >> 2) % n];
        }
        return (seed >> 8) % NKEYS;
    }

    /// One op with one random call.
    function opSingle(uint256 keySeed, uint256 callSeed, uint256 timeSeed) external counted("opSingle") {
        OpSpec[] memory specs = new OpSpec[](1);
        specs[0] = _spec(_pickKey(keySeed, true), callSeed, 1, false, timeSeed);
        _sendBundle(specs);
    }

    /// One op transferring the limited token, around its remaining budget.
    function opTransfer(uint256 keySeed, uint256 amountSeed, uint256 timeSeed) external counted("opTransfer") {
        uint256 k = _pickKey(keySeed, true);
        OpSpec[] memory specs = new OpSpec[](1);
        specs[0].key = k;
        specs[0].calls = new Call[](1);
        specs[0].calls[0] = Call(2, amountSeed % 5 == 0 ? 8 : 7, 0, _erc20Amount(k, amountSeed));
        specs[0].statedTime = _statedTime(k, timeSeed);
        specs[0].maxFee = _maxFee(timeSeed >> 128);
        _sendBundle(specs);
    }

    /// One op sending ETH (to the EOA or a recorder), around the remaining native budget.
    function opNative(uint256 keySeed, uint256 valueSeed, uint256 timeSeed) external counted("opNative") {
        uint256 k = _pickKey(keySeed, true);
        OpSpec[] memory specs = new OpSpec[](1);
        specs[0].key = k;
        specs[0].calls = new Call[](1);
        uint256 t = valueSeed % 3 == 0 ? (valueSeed >> 8) % 2 : 3;
        specs[0].calls[0] = Call(t, t == 3 ? 3 : (valueSeed >> 16) % 7, _nativeAmount(k, valueSeed), 0);
        specs[0].statedTime = _statedTime(k, timeSeed);
        specs[0].maxFee = _maxFee(timeSeed >> 128);
        _sendBundle(specs);
    }

    /// One op with a batch of 1 to 3 random calls.
    function opBatch(uint256 keySeed, uint256 callSeed, uint256 timeSeed) external counted("opBatch") {
        OpSpec[] memory specs = new OpSpec[](1);
        specs[0] = _spec(_pickKey(keySeed, true), callSeed, 1 + callSeed % 3, true, timeSeed);
        _sendBundle(specs);
    }

    /// Two ops in one bundle (often of the same key: they must see each other's spend).
    function opBundle(uint256 keySeed, uint256 callSeed, uint256 timeSeed) external counted("opBundle") {
        OpSpec[] memory specs = new OpSpec[](2);
        uint256 k1 = _pickKey(keySeed, true);
        uint256 k2 = (keySeed >> 128) % 3 == 0 ? _pickKey(keySeed >> 130, true) : k1;
        specs[0] = _spec(k1, callSeed, 1 + callSeed % 2, (callSeed >> 4) % 2 == 0, timeSeed);
        specs[1] = _spec(k2, uint256(keccak256(abi.encode(callSeed))), 1, false, timeSeed);
        _sendBundle(specs);
    }

    /// One op of a random key whose batch is not canonically encoded (issue 13): a pointer, offset or length outside
    /// its region, out of order, a gap, trailing bytes or a dirty word. It must be refused, changing nothing: the
    /// module and the account could read such an encoding differently.
    function opNonCanonical(uint256 keySeed, uint256 callSeed, uint256 timeSeed) external counted("opNonCanonical") {
        OpSpec memory spec = _spec(_pickKey(keySeed, true), callSeed, 1 + callSeed % 3, true, timeSeed);
        Execution[] memory execs = new Execution[](spec.calls.length);
        for (uint256 i; i < execs.length; ++i) {
            Call memory c = spec.calls[i];
            execs[i] = Execution(_targetAddress(c.target), c.value, _data(c));
        }
        PackedUserOperation memory op = _buildOpWithCallData(
            spec, EncodingMutator.nonCanonical(execs, uint256(keccak256(abi.encode(callSeed, "non-canonical"))))
        );
        bytes memory before = _snapshot(spec.key);
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = op;
        try entryPoint.handleOps(ops, beneficiary) {
            ++ghost_nonCanonicalValidated;
            _fail("a non-canonical op validated", spec.key);
        } catch {
            ++nonCanonicalOpsRefused;
        }
        if (keccak256(_snapshot(spec.key)) != keccak256(before)) {
            ++ghost_refusedOpChangedState;
            _fail("a refused non-canonical op changed state", spec.key);
        }
    }

    /// @dev Balances, recorder calls and what the module reports of key k's budgets (when it is a key).
    function _snapshot(uint256 k) internal view returns (bytes memory) {
        Balances memory b = _balances();
        bytes memory budgets;
        if (sessionOf[k] != 0) {
            budgets = abi.encode(
                lens.getSessionKeyInfo(address(module), address(account), keys[k]),
                lens.getErc20SpendLimit(address(module), address(account), keys[k], address(token))
            );
        }
        return abi.encode(b.tokens, b.allowance, b.eth, b.recorderCalls, address(account).balance, budgets);
    }

    // ================================================================== actions: owner

    /// Adds a key (or re-adds a removed one). When the module is uninstalled, reinstalls it with this key as its
    /// initial key.
    function addKey(uint256 keySeed, uint256 permSeed) external counted("addKey") {
        uint256 k = _pickKey(keySeed, false);
        bytes[] memory updates = _fullPermissions(permSeed);
        bytes32 tag = bytes32(permSeed);
        if (!installed) return _installWithKey(k, tag, updates);
        bool expectOk = sessionOf[k] == 0;
        vm.prank(address(account));
        try module.addSessionKey(keys[k], tag, updates) {
            if (!expectOk) return _managementMismatch("addKey succeeded");
            _newSession(k, tag, updates);
        } catch {
            if (expectOk) _managementMismatch("addKey failed");
        }
    }

    /// @dev For the set-up only (not a fuzzed action): a key that can act, with an ERC-20 limit per hour.
    function addOpenKey(uint256 k) external {
        bytes[] memory updates = new bytes[](4);
        updates[0] = abi.encodeCall(Updates.setAccessListType, (AccessListType.ALLOW_ALL));
        updates[1] = abi.encodeCall(Updates.removeGasSpendLimit, ());
        updates[2] = abi.encodeCall(Updates.setNativeTokenSpendLimit, (0.1 ether, uint48(1 hours)));
        updates[3] = abi.encodeCall(Updates.setErc20SpendLimit, (address(token), 1000e18, uint48(1 hours)));
        vm.prank(address(account));
        module.addSessionKey(keys[k], "open", updates);
        _newSession(k, "open", updates);
    }

    function _installWithKey(uint256 k, bytes32 tag, bytes[] memory keyUpdates) internal {
        address[] memory ks = new address[](1);
        bytes32[] memory tags = new bytes32[](1);
        bytes[][] memory updates = new bytes[][](1);
        (ks[0], tags[0], updates[0]) = (keys[k], tag, keyUpdates);
        vm.prank(address(account));
        account.installModule(MODULE_TYPE_VALIDATOR, address(module), abi.encode(ks, tags, updates));
        installed = true;
        _newSession(k, tag, keyUpdates);
        if (!IModuleInitialized(address(module)).isInitialized(address(account))) {
            _managementMismatch("isInitialized after install");
        }
    }

    function updateKey(uint256 keySeed, uint256 updateSeed) external counted("updateKey") {
        uint256 k = _pickKey(keySeed, true);
        _updateKey(k, _partialUpdates(updateSeed));
    }

    /// Changes one budget of a key around what it has spent in the current period: a limit below the spend (a debt),
    /// just above it (only the difference is given back), anything, with the same or another interval, a quarter of
    /// the time with a new refresh anchor in the same call; or moves the refresh anchor alone. A change keeps the
    /// current period's spend, and with the same interval the period itself (see {_setBudget}, {_setAnchor}). Half the
    /// time an op of the key spends from that budget first.
    function changeLimit(uint256 keySeed, uint256 seed) external counted("changeLimit") {
        // Mostly the budget an accepted op charged last (it has a spend to keep), otherwise any.
        bool last = keySeed % 4 != 0 && lastChargedKey != 0;
        uint256 k = last ? lastChargedKey - 1 : _pickKey(keySeed >> 2, true);
        uint256 kind = last && seed % 3 != 0 ? lastChargedKind : seed % NBUDGETS;
        if ((seed >> 64) % 2 == 0) _spendFrom(k, kind, seed >> 72);
        uint256 mode = (seed >> 8) % 4;
        if (mode == 3) return _updateKey(k, _one(_anchorUpdate(seed >> 16)));
        uint256 spent;
        uint256 interval = _intervalFrom(seed >> 16);
        uint256 sid = sessionOf[k];
        if (sid != 0) {
            spent = expectedStatus(k, kind).used;
            if ((seed >> 24) % 2 == 0) interval = sessions[sid].budgets[kind].interval;
        }
        uint256 r = seed >> 32;
        uint256 limit;
        if (mode == 0) limit = spent / 2; // below the spend, when there is one
        else if (mode == 1) limit = spent + r % _limitStep(kind, 1);
        else limit = r % _limitStep(kind, 4);
        bytes memory u = _limitUpdate(kind, limit, interval);
        if ((seed >> 28) % 4 != 0) return _updateKey(k, _one(u));
        // The anchor is listed after the limit, but applies first.
        bytes[] memory updates = new bytes[](2);
        (updates[0], updates[1]) = (u, _anchorUpdate(seed >> 128));
        _updateKey(k, updates);
    }

    /// @dev A span of limits of budget `kind`, `x` quarters of a typical one.
    function _limitStep(uint256 kind, uint256 x) internal pure returns (uint256) {
        if (kind == GAS) return x * 8 * MAX_COST;
        if (kind == NATIVE) return x * 0.05 ether;
        return kind == CALLS ? x * 8 : x * 500e18;
    }

    function _limitUpdate(uint256 kind, uint256 limit, uint256 interval) internal view returns (bytes memory) {
        if (kind == ERC20) return abi.encodeCall(Updates.setErc20SpendLimit, (address(token), limit, uint48(interval)));
        if (kind == NATIVE) return abi.encodeCall(Updates.setNativeTokenSpendLimit, (limit, uint48(interval)));
        if (kind == CALLS) return abi.encodeCall(Updates.setCallLimit, (limit, uint48(interval)));
        return abi.encodeCall(Updates.setGasSpendLimit, (limit, uint48(interval)));
    }

    /// Moves the clock to the end of a budget's stored period by its own clock (or a second or two after it), half the
    /// time after moving the refresh anchor, and spends from the budget: the op opens a fresh period on the grid of the
    /// anchor in force, never before the stored period ended (no budget moves with the anchor).
    function refreshSpend(uint256 keySeed, uint256 seed) external counted("refreshSpend") {
        bool last = keySeed % 4 != 0 && lastChargedKey != 0;
        uint256 k = last ? lastChargedKey - 1 : _pickKey(keySeed >> 2, true);
        uint256 kind = last && seed % 3 != 0 ? lastChargedKind : seed % NBUDGETS;
        uint256 sid = sessionOf[k];
        if (!installed || sid == 0) return;
        if ((seed >> 8) % 2 == 0) _updateKey(k, _one(_anchorUpdate(seed >> 16)));
        Budget storage b = sessions[sid].budgets[kind];
        uint256 end = b.stored + b.interval;
        if (b.interval != 0 && end > block.timestamp) vm.warp(end + (seed >> 64) % 3);
        _spendFrom(k, kind, seed >> 72);
    }

    /// @dev An op of key `k` spending from budget `kind`: a token transfer, ETH to the EOA, or a recorder call (gas).
    function _spendFrom(uint256 k, uint256 kind, uint256 r) internal {
        OpSpec[] memory specs = new OpSpec[](1);
        specs[0].key = k;
        specs[0].calls = new Call[](1);
        if (kind == ERC20) specs[0].calls[0] = Call(2, 7, 0, _erc20Amount(k, r));
        else if (kind == NATIVE) specs[0].calls[0] = Call(3, 3, _nativeAmount(k, r), 0);
        else specs[0].calls[0] = Call(r % 2, (r >> 8) % 3, 0, r >> 16);
        if (kind == CALLS) {
            // Around what is left of the call budget: a batch of up to one call more.
            uint256 n = 1 + (r >> 24) % (1 + _min(_remaining(k, CALLS), 4));
            if (n > 1) {
                Call memory first = specs[0].calls[0];
                specs[0].calls = new Call[](n);
                for (uint256 i; i < n; ++i) {
                    specs[0].calls[i] = first;
                }
                specs[0].batch = true;
            }
        }
        specs[0].statedTime = block.timestamp;
        specs[0].maxFee = _maxFee(r >> 128);
        _sendBundle(specs);
    }

    function _one(bytes memory u) internal pure returns (bytes[] memory updates) {
        updates = new bytes[](1);
        updates[0] = u;
    }

    function _updateKey(uint256 k, bytes[] memory updates) internal {
        bool valid = true;
        for (uint256 i; i < updates.length; ++i) {
            valid = valid && _isValid(updates[i]);
        }
        bool expectOk = installed && sessionOf[k] != 0 && valid;
        vm.prank(address(account));
        try module.updateKeyPermissions(keys[k], updates) {
            if (!expectOk) return _managementMismatch("updateKey succeeded");
            _applyAll(sessions[sessionOf[k]], updates);
            _checkLedgerPeriods(k);
        } catch {
            if (expectOk) _managementMismatch("updateKey failed");
        }
    }

    function removeKey(uint256 keySeed) external counted("removeKey") {
        uint256 k = _pickKey(keySeed, true);
        bool expectOk = installed && sessionOf[k] != 0;
        vm.prank(address(account));
        try module.removeSessionKey(keys[k]) {
            if (!expectOk) return _managementMismatch("removeKey succeeded");
            sessionOf[k] = 0;
            goneReason[k] = REMOVED;
        } catch {
            if (expectOk) _managementMismatch("removeKey failed");
        }
    }

    function rotateKey(uint256 oldSeed, uint256 newSeed) external counted("rotateKey") {
        uint256 o = _pickKey(oldSeed, true);
        uint256 n = _pickKey(newSeed, false);
        bool expectOk = installed && sessionOf[o] != 0 && sessionOf[n] == 0;
        vm.prank(address(account));
        try module.rotateSessionKey(keys[o], keys[n]) {
            if (!expectOk) return _managementMismatch("rotateKey succeeded");
            sessionOf[n] = sessionOf[o];
            sessionOf[o] = 0;
            goneReason[o] = ROTATED_AWAY;
        } catch {
            if (expectOk) _managementMismatch("rotateKey failed");
        }
    }

    function revokeAll() external counted("revokeAll") {
        vm.prank(address(account));
        try module.revokeAllSessionKeys() {
            if (!installed) return _managementMismatch("revokeAll succeeded");
            _dropAll(REVOKED);
        } catch {
            if (installed) _managementMismatch("revokeAll failed");
        }
    }

    /// Uninstalls the module, or (when uninstalled) installs it again without keys. (addKey reinstalls with a key.)
    function toggleInstall() external counted("toggleInstall") {
        vm.prank(address(account));
        if (installed) {
            account.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
            installed = false;
            _dropAll(UNINSTALLED);
        } else {
            account.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
            installed = true;
        }
        if (IModuleInitialized(address(module)).isInitialized(address(account)) != installed) {
            _managementMismatch("isInitialized");
        }
    }

    /// Moves the clock forward: a little, a lot, or exactly onto (or just before) a period or key-range boundary: the
    /// end of a budget's period on the grid or by the stored period's own clock (they differ after an anchor change).
    function warp(uint256 seed) external counted("warp") {
        uint256 now_ = block.timestamp;
        uint256 mode = seed % 6;
        uint256 to = now_ + 1 + (seed >> 8) % 120;
        if (mode == 1) {
            to = now_ + 1 + (seed >> 8) % 6 hours;
        } else if (mode == 2) {
            to = now_ + 1 + (seed >> 8) % 3 days;
        } else if (mode >= 3) {
            uint256 k = (seed >> 8) % NKEYS;
            uint256 sid = sessionOf[k];
            if (sid != 0) {
                Session storage s = sessions[sid];
                uint256 boundary;
                if (mode == 5) {
                    boundary = (seed >> 16) % 2 == 0 ? s.validFrom : s.validUntil + 1;
                } else {
                    Budget storage b = s.budgets[(seed >> 16) % 3];
                    if (b.interval != 0) {
                        (, uint256 end) = Reference.period(now_, s.anchor, b.interval);
                        boundary = (seed >> 20) % 2 == 0 ? end + 1 : b.stored + b.interval;
                    }
                }
                if (mode == 4 && boundary != 0) boundary -= 1; // the last second of the period
                if (boundary > now_) to = boundary;
            }
        }
        vm.warp(to);
    }

    // ================================================================== building ops

    function _spec(uint256 k, uint256 seed, uint256 n, bool batch, uint256 timeSeed)
        internal
        view
        returns (OpSpec memory spec)
    {
        spec.key = k;
        spec.batch = batch || n > 1;
        spec.calls = new Call[](n);
        for (uint256 i; i < n; ++i) {
            spec.calls[i] = _randomCall(k, uint256(keccak256(abi.encode(seed, i))));
        }
        spec.statedTime = _statedTime(k, timeSeed);
        spec.maxFee = _maxFee(uint256(keccak256(abi.encode(seed, timeSeed))));
    }

    /// @dev maxFeePerGas: mostly 2 gwei, often with a fraction of a gwei (the maximum cost is then charged rounded up
    /// to whole gwei), sometimes just above 1 gwei (maxPriorityFeePerGas).
    function _maxFee(uint256 r) internal pure returns (uint256) {
        uint256 mode = r % 4;
        if (mode <= 1) return 2 gwei;
        if (mode == 2) return 2 gwei + 1 + (r >> 8) % (1 gwei - 1);
        return 1 gwei + 1 + (r >> 8) % 3 gwei;
    }

    function _randomCall(uint256 k, uint256 r) internal view returns (Call memory c) {
        uint256 kind = r % 16;
        if (kind <= 4 || kind == 14) return Call(2, 7, 0, _erc20Amount(k, r >> 8));
        if (kind == 5) return Call(2, 8, 0, _erc20Amount(k, r >> 8));
        if (kind == 6) return Call(2, 9, 0, _erc20Amount(k, r >> 8));
        if (kind <= 10) {
            uint256 value = (r >> 24) % 3 == 0 ? _nativeAmount(k, r >> 32) : 0;
            return Call((r >> 8) % 2, (r >> 16) % 7, value, r >> 128);
        }
        if (kind <= 12) return Call(3, 3, _nativeAmount(k, r >> 8), 0);
        if (kind == 13) return Call(4 + (r >> 8) % 4, 0, 0, 0);
        return Call((r >> 8) % 2, (r >> 16) % 3, 0, r >> 128); // kind 15: a plain recorder call
    }

    /// @dev The current period's remaining budget of a kind, per the model (0 when the key has no session).
    function _remaining(uint256 k, uint256 kind) internal view returns (uint256) {
        uint256 sid = sessionOf[k];
        if (sid == 0) return 1e18;
        Session storage s = sessions[sid];
        Budget storage b = s.budgets[kind];
        uint256 used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        if (kind == GAS) {
            (, uint256 remaining) = Reference.gasStatus(b.limit, used);
            return remaining;
        }
        return used >= b.limit ? 0 : b.limit - used;
    }

    function _erc20Amount(uint256 k, uint256 r) internal view returns (uint256) {
        uint256 remaining = _remaining(k, ERC20);
        uint256 mode = r % 6;
        if (mode == 0) return remaining;
        if (mode == 1) return remaining + 1;
        if (mode == 2) return 0;
        if (mode == 3) return remaining == 0 ? 1 : (r >> 8) % remaining;
        return (r >> 8) % 1e21;
    }

    function _nativeAmount(uint256 k, uint256 r) internal view returns (uint256) {
        uint256 remaining = _remaining(k, NATIVE);
        if (remaining > 0.2 ether) remaining = 0.2 ether;
        uint256 mode = r % 5;
        if (mode == 0) return remaining;
        if (mode == 1) return remaining + 1;
        if (mode == 2) return remaining == 0 ? 1 : (r >> 8) % remaining;
        return (r >> 8) % 0.02 ether;
    }

    /// @dev Mostly now; sometimes an earlier or later time, the last second of the previous period / the first of the
    /// next one of a refreshing budget on the grid, a time before its stored period, or the last second of the stored
    /// period / the first after it by its own clock.
    function _statedTime(uint256 k, uint256 r) internal view returns (uint256) {
        uint256 now_ = block.timestamp;
        uint256 mode = r % 14;
        if (mode == 0) return now_ - 1 - (r >> 8) % 2 days;
        if (mode == 1) return now_ + 1 + (r >> 8) % 2 days;
        if (mode >= 2 && mode <= 5) {
            uint256 sid = sessionOf[k];
            if (sid == 0) return now_;
            Session storage s = sessions[sid];
            Budget storage b = s.budgets[(r >> 8) % 3];
            if (b.interval == 0) return now_;
            (uint256 start, uint256 end) = Reference.period(now_, s.anchor, b.interval);
            if (mode == 2) return start - 1;
            if (mode == 3) return end + 1;
            if (mode == 4) return b.stored == 0 ? 0 : b.stored - 1 - (r >> 16) % _min(b.stored, 3 days);
            return b.stored + b.interval - (r >> 16) % 2;
        }
        return now_;
    }

    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function _selector(uint256 i) internal pure returns (bytes4) {
        if (i == 0) return CallRecorder.f1.selector;
        if (i == 1) return CallRecorder.f2.selector;
        if (i == 2) return CallRecorder.f3.selector;
        if (i == 3) return bytes4(0);
        if (i == 4) return 0xdeadbeef;
        if (i == 5) return 0x12345678;
        if (i == 6) return 0xcafebabe;
        if (i == 7) return 0xa9059cbb; // transfer
        if (i == 8) return 0x095ea7b3; // approve
        return 0x23b872dd; // transferFrom
    }

    function _targetAddress(uint256 t) internal view returns (address) {
        if (t == 0) return address(recA);
        if (t == 1) return address(recB);
        if (t == 2) return address(token);
        if (t == 3) return ethRecipient;
        if (t == 4) return address(account);
        if (t == 5) return address(module);
        if (t == 6) return address(entryPoint);
        return address(0);
    }

    function _targetIndex(address a) internal view returns (uint256) {
        for (uint256 t; t < NTARGETS; ++t) {
            if (_targetAddress(t) == a) return t;
        }
        revert("unknown target");
    }

    function _selectorIndex(bytes4 sel) internal pure returns (uint256) {
        for (uint256 i; i < 10; ++i) {
            if (_selector(i) == sel) return i;
        }
        revert("unknown selector");
    }

    function _data(Call memory c) internal view returns (bytes memory) {
        if (c.target == 2) {
            if (c.selector == 7) return abi.encodeCall(token.transfer, (tokenRecipient, c.amount));
            if (c.selector == 8) return abi.encodeCall(token.approve, (spender, c.amount));
            return abi.encodeCall(token.transferFrom, (address(account), tokenRecipient, c.amount));
        }
        if (c.selector == 3) return "";
        return abi.encodeWithSelector(_selector(c.selector), c.amount);
    }

    function _callData(OpSpec memory spec) internal view returns (bytes memory) {
        if (!spec.batch) {
            Call memory c = spec.calls[0];
            return _executeSingle(_targetAddress(c.target), c.value, _data(c));
        }
        Execution[] memory execs = new Execution[](spec.calls.length);
        for (uint256 i; i < execs.length; ++i) {
            Call memory c = spec.calls[i];
            execs[i] = Execution(_targetAddress(c.target), c.value, _data(c));
        }
        return _executeBatch(execs);
    }

    function _buildOp(OpSpec memory spec, uint256 nonceOffset) internal view returns (PackedUserOperation memory op) {
        return _buildOp(spec, nonceOffset, _callData(spec));
    }

    function _buildOpWithCallData(OpSpec memory spec, bytes memory callData)
        internal
        view
        returns (PackedUserOperation memory)
    {
        return _buildOp(spec, 0, callData);
    }

    function _buildOp(OpSpec memory spec, uint256 nonceOffset, bytes memory callData)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        uint192 nonceKey = _nonceKey(address(module), uint32(spec.key + 1));
        op = _userOp(address(account), entryPoint.getNonce(address(account), nonceKey) + nonceOffset, callData);
        op.gasFees = _packGas(1 gwei, spec.maxFee);
        require(spec.statedTime <= type(uint32).max, "stated time beyond uint32");
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(pks[spec.key], _sessionDigest(entryPoint.getUserOpHash(op), spec.statedTime));
        op.signature = abi.encodePacked(uint32(spec.statedTime), r, s, v);
    }

    // ================================================================== the model's prediction

    function _copy(Budget[4] memory b) internal pure returns (Budget[4] memory c) {
        for (uint256 i; i < NBUDGETS; ++i) {
            c[i] = Budget(b[i].limited, b[i].limit, b[i].interval, b[i].used, b[i].stored);
        }
    }

    /// @dev Whether the access list lets the key call selector `sel` of target `t` (0..3).
    function _allows(Session storage s, uint256 t, uint256 sel) internal view returns (bool) {
        if (s.listType == uint256(AccessListType.ALLOW_ALL)) return true;
        Entry storage e = s.entries[t];
        bool listed = e.onList && (!e.checkSelectors || (e.selectors >> sel) & 1 == 1);
        return s.listType == uint256(AccessListType.ALLOWLIST) ? listed : !listed;
    }

    /// @dev Charges `amount` to budget `kind` in its period for `statedTime` (Reference.budgetPeriod), narrowing the
    /// window to that period; false if refused. Gas is charged in whole gwei, rounded up, against floor(limit / 1 gwei).
    function _charge(Prediction memory p, uint256 kind, uint256 anchor, uint256 amount, uint256 statedTime)
        internal
        pure
        returns (bool)
    {
        Budget memory b = p.budgets[kind];
        uint256 start = b.stored;
        uint256 usedBefore = b.used;
        if (b.interval != 0) {
            (uint256 charged, uint256 from, uint256 end, bool refreshed) =
                Reference.budgetPeriod(b.stored, b.interval, anchor, statedTime);
            if (from > p.from) p.from = from;
            if (end < p.until) p.until = end;
            if (refreshed) (usedBefore, p.refreshed[kind]) = (0, true);
            if (statedTime < b.stored) p.beforeStored[kind] = true;
            start = charged;
        }
        uint256 cap = kind == GAS ? Reference.gasCapGwei(b.limit) : b.limit;
        uint256 units = kind == GAS ? Reference.gasChargeGwei(amount) : amount;
        // A lowered limit may leave a debt (usedBefore > cap): then nothing, not even a zero token amount, is charged.
        if (usedBefore > cap || units > cap - usedBefore) return false;
        (b.used, b.stored) = (usedBefore + units, start);
        p.charged[kind] = true;
        return true;
    }

    function _predict(OpSpec memory spec, Budget[4] memory budgets) internal view returns (Prediction memory p) {
        p.budgets = _copy(budgets);
        p.executes = true;
        uint256 sid = sessionOf[spec.key];
        p.reason = 1;
        if (!installed || sid == 0) return p;
        Session storage s = sessions[sid];
        p.from = s.validFrom;
        p.until = s.validUntil == 0 ? OPEN : s.validUntil;
        for (uint256 i; i < spec.calls.length; ++i) {
            Call memory c = spec.calls[i];
            p.values += c.value;
            p.reason = 2;
            if (c.target >= NTARGETS) return p; // the account, the module, the EntryPoint, address(0)
            p.reason = 3;
            if (!_allows(s, c.target, c.selector)) return p;
            if (c.target == 2) {
                if (p.budgets[ERC20].limited) {
                    p.reason = 4;
                    if (c.selector != 7 && c.selector != 8) return p; // only transfer and approve on a limited token
                    p.reason = 5;
                    if (!_charge(p, ERC20, s.anchor, c.amount, spec.statedTime)) return p;
                }
                if (c.selector == 7) p.transferred += c.amount;
                if (c.selector == 8) {
                    (p.approved, p.lastApprove, p.hasApprove) = (p.approved + c.amount, c.amount, true);
                }
                if (c.selector == 9 && c.amount != 0) p.executes = false; // no allowance: the token reverts
            } else if (c.target <= 1) {
                ++p.recorderCalls;
            }
        }
        p.reason = 6;
        if (p.values != 0 && p.budgets[NATIVE].limited) {
            if (!_charge(p, NATIVE, s.anchor, p.values, spec.statedTime)) return p;
        }
        // The call-count budget: every call of the op counts (charged after the native budget, before gas).
        p.calls = spec.calls.length;
        p.reason = 10;
        if (p.budgets[CALLS].limited) {
            if (!_charge(p, CALLS, s.anchor, p.calls, spec.statedTime)) return p;
        }
        p.reason = 7;
        if (p.budgets[GAS].limited) {
            if (!_charge(p, GAS, s.anchor, OP_GAS * spec.maxFee, spec.statedTime)) return p;
        }
        p.ok = p.from <= block.timestamp && block.timestamp <= p.until;
        p.reason = p.ok ? 0 : 8;
    }

    function _status(uint256 k) internal view returns (uint256) {
        if (!installed) return UNINSTALLED;
        uint256 sid = sessionOf[k];
        if (sid == 0) return goneReason[k];
        Session storage s = sessions[sid];
        if (block.timestamp < s.validFrom) return NOT_YET_VALID;
        if (s.validUntil != 0 && block.timestamp > s.validUntil) return EXPIRED;
        return ACTIVE;
    }

    // ================================================================== sending and checking

    struct Balances {
        uint256 tokens;
        uint256 allowance;
        uint256 eth;
        uint256 recorderCalls;
    }

    function _balances() internal view returns (Balances memory b) {
        b.tokens = token.balanceOf(tokenRecipient);
        b.allowance = token.allowance(address(account), spender);
        b.eth = address(recA).balance + address(recB).balance + ethRecipient.balance;
        b.recorderCalls = recA.callCount() + recB.callCount();
    }

    function _sendBundle(OpSpec[] memory specs) internal {
        Prediction[] memory preds = new Prediction[](specs.length);
        PackedUserOperation[] memory ops = new PackedUserOperation[](specs.length);
        bool allOk = true;
        for (uint256 j; j < specs.length; ++j) {
            uint256 sid = sessionOf[specs[j].key];
            bool chained = j > 0 && sid != 0 && sessionOf[specs[j - 1].key] == sid;
            preds[j] = _predict(specs[j], chained ? preds[j - 1].budgets : sessions[sid].budgets);
            allOk = allOk && preds[j].ok;
            ++refusedByReason[preds[j].reason];
            uint256 offset = j > 0 && specs[j - 1].key == specs[j].key ? 1 : 0;
            ops[j] = _buildOp(specs[j], offset);
        }
        Balances memory before = _balances();
        uint256[] memory recorderCountsBefore = new uint256[](2);
        (recorderCountsBefore[0], recorderCountsBefore[1]) = (recA.callCount(), recB.callCount());

        vm.recordLogs();
        bool accepted;
        try entryPoint.handleOps(ops, beneficiary) {
            accepted = true;
        } catch {}
        Vm.Log[] memory logs = vm.getRecordedLogs();

        for (uint256 j; j < specs.length; ++j) {
            uint256 status = _status(specs[j].key);
            if (accepted) {
                ++validatedByStatus[status];
                if (status != ACTIVE) {
                    ++ghost_invalidKeyValidated;
                    _fail("an inactive key validated", specs[j].key);
                }
            } else {
                ++refusedByStatus[status];
            }
        }
        if (accepted != allOk) {
            ++ghost_predictionMismatch;
            _fail(accepted ? "bundle accepted, model refused" : "bundle refused, model accepted", specs[0].key);
            return;
        }
        if (!accepted) {
            ++bundlesRefused;
            return;
        }
        ++bundlesAccepted;
        _afterAccepted(specs, preds, logs, before, recorderCountsBefore);
    }

    function _afterAccepted(
        OpSpec[] memory specs,
        Prediction[] memory preds,
        Vm.Log[] memory logs,
        Balances memory before,
        uint256[] memory recorderCountsBefore
    ) internal {
        (bool[] memory success, uint256[] memory gasCost) = _userOpEvents(logs, specs.length);
        Balances memory expected = Balances(before.tokens, before.allowance, before.eth, before.recorderCalls);
        for (uint256 j; j < specs.length; ++j) {
            Prediction memory p = preds[j];
            if (success[j] != p.executes) {
                ++ghost_executionMismatch;
                _fail("execution outcome", specs[j].key);
            }
            if (success[j]) {
                expected.tokens += p.transferred;
                if (p.hasApprove) expected.allowance = p.lastApprove;
                expected.eth += p.values;
                expected.recorderCalls += p.recorderCalls;
                ghost_expectedRecorderCalls += p.recorderCalls;
            }
            _chargeGhosts(specs[j].key, p, success[j], gasCost[j]);
            if (p.charged[GAS] && (OP_GAS * specs[j].maxFee) % GWEI != 0) ++roundedGasCharges;
            for (uint256 kind; kind < NBUDGETS; ++kind) {
                if (p.charged[kind]) (lastChargedKey, lastChargedKind) = (specs[j].key + 1, kind);
                if (p.charged[kind] && p.beforeStored[kind]) ++chargesBeforeStoredPeriod;
            }
            // Commit the model's budgets.
            Session storage s = sessions[sessionOf[specs[j].key]];
            for (uint256 kind; kind < NBUDGETS; ++kind) {
                Budget memory b = p.budgets[kind];
                (s.budgets[kind].used, s.budgets[kind].stored) = (b.used, b.stored);
            }
        }
        Balances memory actual = _balances();
        if (actual.tokens != expected.tokens) {
            ++ghost_executionMismatch;
            _fail("tokens moved", specs[0].key);
        }
        if (actual.allowance != expected.allowance) {
            ++ghost_executionMismatch;
            _fail("allowance", specs[0].key);
        }
        if (actual.eth != expected.eth) {
            ++ghost_executionMismatch;
            _fail("ETH moved", specs[0].key);
        }
        if (actual.recorderCalls != expected.recorderCalls) {
            ++ghost_executionMismatch;
            _fail("recorder calls", specs[0].key);
        }
        _checkRecordedCalls(recA, 0, recorderCountsBefore[0], specs);
        _checkRecordedCalls(recB, 1, recorderCountsBefore[1], specs);
    }

    /// @dev Every call a recorder received in this bundle must be allowed by the access list of the op's key.
    function _checkRecordedCalls(CallRecorder rec, uint256 t, uint256 from, OpSpec[] memory specs) internal {
        uint256 to = rec.callCount();
        for (uint256 i = from; i < to; ++i) {
            CallRecorder.Call memory c = rec.callAt(i);
            uint256 sel = _selectorIndex(c.selector);
            bool allowed;
            for (uint256 j; j < specs.length; ++j) {
                uint256 sid = sessionOf[specs[j].key];
                if (sid != 0 && _allows(sessions[sid], t, sel)) allowed = true;
            }
            if (c.caller != address(account)) allowed = false;
            if (!allowed) {
                ++ghost_disallowedCallExecuted;
                _fail("a recorder received a refused call", specs[0].key);
            }
        }
    }

    /// @dev The module's view of budget `kind` of key `k` now.
    function _moduleStatus(uint256 k, uint256 kind) internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        if (kind == ERC20) return lens.getErc20SpendLimit(address(module), address(account), keys[k], address(token));
        if (kind == CALLS) return lens.getCallLimit(address(module), address(account), keys[k]);
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), keys[k]);
        return kind == NATIVE ? info.nativeTokenSpend : info.gasSpend;
    }

    /// @dev Starts a new spend record for budget `kind`'s ledger, ending (exclusive) at `end`, with `carried` moved in
    /// it already (what a change kept of the previous period's spend).
    function _newLedgerPeriod(Session storage s, uint256 kind, uint256 end, uint256 carried) internal {
        Ledger storage l = s.ledgers[kind];
        l.id = keccak256(abi.encode(s.id, kind, ++ledgerSeq));
        l.end = end;
        spendKeys.push(l.id);
        (spendMoved[l.id], spendCarried[l.id], spendLimit[l.id]) = (carried, carried, s.budgets[kind].limit);
    }

    /// @dev Adds what an op moved to the ledger of every limited budget of its key, and checks:
    /// - while the ledger's period runs (now before its end by its own clock), the module is still in that period: its
    ///   view shows the same end (a fresh period never opens before the previous one ended);
    /// - once it has ended, a charge opens the next ledger period (never earlier), ending where the module's view says;
    /// - the spend moved in a ledger period, with what a change carried into it, never exceeds the limit, unless nothing
    ///   at all moved since the change (a limit lowered below the spend).
    function _chargeGhosts(uint256 k, Prediction memory p, bool executed, uint256 gasCost) internal {
        Session storage s = sessions[sessionOf[k]];
        uint256[4] memory moved;
        if (executed) moved = [p.transferred + p.approved, p.values, 0, 0];
        moved[GAS] = gasCost;
        // Calls count when the op is validated, whether or not they then succeed.
        if (p.charged[CALLS]) moved[CALLS] = p.calls;
        for (uint256 kind; kind < NBUDGETS; ++kind) {
            Budget storage b = s.budgets[kind];
            if (!b.limited) continue;
            Ledger storage l = s.ledgers[kind];
            ISessionKeyLens.SpendLimitStatus memory st = _moduleStatus(k, kind);
            uint256 end = st.refreshInterval == 0 ? type(uint256).max : st.nextRefresh;
            if (l.id != 0 && block.timestamp < l.end) {
                if (end != l.end) {
                    ++ghost_periodOpenedEarly;
                    _fail("a budget left its period before it ended", k);
                }
            } else if (p.charged[kind] || l.id == 0) {
                // The period has ended (or the budget has no ledger yet): the charge opened the next one.
                if (l.id != 0) ++freshPeriods;
                if (l.id != 0 && st.periodStart < l.end) ++freshPeriodsOffGrid;
                _newLedgerPeriod(s, kind, end, 0);
            }
            spendMoved[l.id] += moved[kind];
            spendLimit[l.id] = b.limit;
            ++periodChargesChecked;
            if (spendMoved[l.id] > b.limit && spendMoved[l.id] > spendCarried[l.id]) {
                ++ghost_spendOverLimit;
                _fail("spend over the limit in a period", k);
            }
        }
    }

    /// @dev After a change of budget `kind`'s limit or interval: the module keeps the spend of the current period;
    /// so does the ledger, in a new record (its spend counts against the new limit from now on). With the same interval
    /// the record continues the running ledger period, which must not end any earlier (`sameInterval`); otherwise (or
    /// once the ledger period has ended) it is the budget's new period, the period of now on the grid.
    function _carryGhost(Session storage s, uint256 kind, bool sameInterval) internal {
        Ledger storage l = s.ledgers[kind];
        Budget storage b = s.budgets[kind];
        bool running = l.id != 0 && block.timestamp < l.end;
        uint256 carried = running ? spendMoved[l.id] : 0;
        uint256 end = b.interval == 0 ? type(uint256).max : b.stored + b.interval;
        if (running && sameInterval && b.interval != 0) {
            ++limitKeptPeriods;
            end = l.end; // {_checkLedgerPeriods} then checks the module kept it
        }
        _newLedgerPeriod(s, kind, end, carried);
        if (carried == 0) return;
        ++carriedSpends;
        if (carried > b.limit) ++carriedDebts;
    }

    /// @dev After an update of key `k`: every limited budget whose ledger period is running is still in it in the
    /// module (its view ends where the ledger's period does): no anchor change, and no limit re-sent with the same
    /// interval, ever moves a running period.
    function _checkLedgerPeriods(uint256 k) internal {
        Session storage s = sessions[sessionOf[k]];
        for (uint256 kind; kind < NBUDGETS; ++kind) {
            Ledger storage l = s.ledgers[kind];
            if (!s.budgets[kind].limited || l.id == 0 || block.timestamp >= l.end) continue;
            ISessionKeyLens.SpendLimitStatus memory st = _moduleStatus(k, kind);
            uint256 end = st.refreshInterval == 0 ? type(uint256).max : st.nextRefresh;
            if (end != l.end) {
                ++ghost_periodOpenedEarly;
                _fail("an update moved a running period", k);
            }
        }
    }

    function _userOpEvents(Vm.Log[] memory logs, uint256 n)
        internal
        view
        returns (bool[] memory success, uint256[] memory gasCost)
    {
        success = new bool[](n);
        gasCost = new uint256[](n);
        uint256 j;
        for (uint256 i; i < logs.length && j < n; ++i) {
            if (logs[i].emitter != address(entryPoint) || logs[i].topics[0] != USER_OP_EVENT) continue;
            (, bool ok, uint256 cost,) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
            (success[j], gasCost[j]) = (ok, cost);
            ++j;
        }
        require(j == n, "missing UserOperationEvent");
    }

    function _fail(string memory what, uint256 k) internal {
        ghost_lastFailure = string.concat(what, " (key ", vm.toString(k), ")");
        console.log("FAILURE:", ghost_lastFailure, "at", block.timestamp);
    }

    function _managementMismatch(string memory what) internal {
        ++ghost_managementMismatch;
        ghost_lastFailure = what;
        console.log("MANAGEMENT MISMATCH:", what);
    }

    // ================================================================== permissions and the model

    function _newSession(uint256 k, bytes32 tag, bytes[] memory updates) internal {
        uint256 sid = ++lastSessionId;
        Session storage s = sessions[sid];
        s.id = sid;
        s.tag = tag;
        // Defaults: empty allowlist, native and gas limits of 0, no ERC-20 limit.
        s.budgets[NATIVE].limited = true;
        s.budgets[GAS].limited = true;
        _applyAll(s, updates);
        sessionOf[k] = sid;
    }

    function _dropAll(uint256 reason) internal {
        for (uint256 k; k < NKEYS; ++k) {
            if (sessionOf[k] != 0) {
                sessionOf[k] = 0;
                goneReason[k] = reason;
            }
        }
    }

    function _word(bytes memory u, uint256 n) internal pure returns (uint256 w) {
        assembly ("memory-safe") {
            w := mload(add(u, add(36, mul(n, 32))))
        }
    }

    function _isValid(bytes memory u) internal pure returns (bool) {
        if (bytes4(u) != Updates.setTimeRange.selector) return true;
        uint256 until = _word(u, 1);
        return until == 0 || _word(u, 0) <= until;
    }

    /// @dev Applies an update to the model, as ISessionKeyPermissionUpdates describes it.
    function _applyToModel(Session storage s, bytes memory u) internal {
        bytes4 sel = bytes4(u);
        if (sel == Updates.setAccessListType.selector) {
            s.listType = _word(u, 0);
        } else if (sel == Updates.updateAccessListAddressEntry.selector) {
            Entry storage e = s.entries[_targetIndex(address(uint160(_word(u, 0))))];
            (e.onList, e.checkSelectors) = (_word(u, 1) == 1, _word(u, 2) == 1);
        } else if (sel == Updates.updateAccessListFunctionEntry.selector) {
            Entry storage e = s.entries[_targetIndex(address(uint160(_word(u, 0))))];
            uint16 bit = uint16(1 << _selectorIndex(bytes4(bytes32(_word(u, 1)))));
            e.selectors = _word(u, 2) == 1 ? e.selectors | bit : e.selectors & ~bit;
        } else if (sel == Updates.setTimeRange.selector) {
            (s.validFrom, s.validUntil) = (_word(u, 0), _word(u, 1));
        } else if (sel == Updates.setNativeTokenSpendLimit.selector) {
            _setBudget(s, NATIVE, _word(u, 0), _word(u, 1));
        } else if (sel == Updates.removeNativeTokenSpendLimit.selector) {
            s.budgets[NATIVE].limited = false;
        } else if (sel == Updates.setErc20SpendLimit.selector) {
            _setBudget(s, ERC20, _word(u, 1), _word(u, 2));
        } else if (sel == Updates.removeErc20SpendLimit.selector) {
            s.budgets[ERC20].limited = false;
        } else if (sel == Updates.setGasSpendLimit.selector) {
            _setBudget(s, GAS, _word(u, 0), _word(u, 1));
        } else if (sel == Updates.removeGasSpendLimit.selector) {
            s.budgets[GAS].limited = false;
        } else if (sel == Updates.setRefreshAnchor.selector) {
            _setAnchor(s, _word(u, 0));
        } else if (sel == Updates.setCallLimit.selector) {
            _setBudget(s, CALLS, _word(u, 0), _word(u, 1));
        } else if (sel == Updates.removeCallLimit.selector) {
            s.budgets[CALLS].limited = false;
        } else {
            revert("update not modelled");
        }
    }

    /// @dev A new limit or interval keeps the current period's spend (0 once its stored period is over by its own
    /// clock; lowered below it, a debt that only a raise exceeding it pays back): in the running stored period with the
    /// same interval, else in the period of now on the grid of the new interval and the key's anchor.
    function _setBudget(Session storage s, uint256 kind, uint256 limit, uint256 interval) internal {
        Budget storage b = s.budgets[kind];
        bool sameInterval = interval == b.interval;
        b.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        b.stored = Reference.startAfterChange(b.stored, b.interval, interval, s.anchor, block.timestamp);
        (b.limited, b.limit, b.interval) = (true, limit, interval);
        _carryGhost(s, kind, sameInterval);
    }

    /// @dev A new anchor moves no budget: each keeps its stored period (and spend, and its ledger period) until that
    /// period ends by its own clock; the next one opens on the new grid.
    function _setAnchor(Session storage s, uint256 anchor) internal {
        for (uint256 kind; kind < NBUDGETS; ++kind) {
            Ledger storage l = s.ledgers[kind];
            Budget storage b = s.budgets[kind];
            if (b.limited && b.interval != 0 && l.id != 0 && block.timestamp < l.end) ++anchorKeptPeriods;
        }
        s.anchor = anchor;
    }

    /// @dev Applies a list of updates as one call does: the setRefreshAnchor updates first, in order, then the others
    /// in order (a limit set in the same call with a new interval starts its period on the call's final anchor's grid).
    function _applyAll(Session storage s, bytes[] memory updates) internal {
        for (uint256 i; i < updates.length; ++i) {
            if (bytes4(updates[i]) == Updates.setRefreshAnchor.selector) _applyToModel(s, updates[i]);
        }
        for (uint256 i; i < updates.length; ++i) {
            if (bytes4(updates[i]) != Updates.setRefreshAnchor.selector) _applyToModel(s, updates[i]);
        }
    }

    function _intervalFrom(uint256 r) internal pure returns (uint256) {
        uint256[5] memory intervals = [uint256(0), 60, 1 hours, 1 days, 7 days];
        return intervals[r % 5];
    }

    function _erc20LimitUpdate(uint256 r) internal view returns (bytes memory) {
        uint256[4] memory limits = [uint256(0), 100e18, 1000e18, (r >> 8) % 1e21];
        return
            abi.encodeCall(Updates.setErc20SpendLimit, (address(token), limits[r % 4], uint48(_intervalFrom(r >> 4))));
    }

    function _nativeLimitUpdate(uint256 r) internal pure returns (bytes memory) {
        uint256[4] memory limits = [uint256(0), 0.01 ether, 0.1 ether, (r >> 8) % 0.2 ether];
        return abi.encodeCall(Updates.setNativeTokenSpendLimit, (limits[r % 4], uint48(_intervalFrom(r >> 4))));
    }

    function _gasLimitUpdate(uint256 r) internal pure returns (bytes memory) {
        uint256[4] memory limits = [uint256(0), 5 * MAX_COST, 20 * MAX_COST, (r >> 8) % (50 * MAX_COST)];
        return abi.encodeCall(Updates.setGasSpendLimit, (limits[r % 4], uint48(_intervalFrom(r >> 4))));
    }

    function _timeRangeUpdate(uint256 r) internal view returns (bytes memory) {
        uint256 now_ = block.timestamp;
        uint256 x = (r >> 8) % 3 days;
        uint256 y = (r >> 40) % 3 days;
        uint256 mode = r % 6;
        (uint256 from, uint256 until) = (0, 0);
        if (mode == 1) (from, until) = (now_ - x, now_ + y);
        else if (mode == 2) (from, until) = (now_ + x, 0);
        else if (mode == 3) (from, until) = (0, now_ + y);
        else if (mode == 4) (from, until) = (now_ - x, now_ - x); // a single second
        else if (mode == 5) (from, until) = (now_ + x + 1, now_ + x); // reversed: refused
        return abi.encodeCall(Updates.setTimeRange, (uint48(from), uint48(until)));
    }

    function _anchorUpdate(uint256 r) internal view returns (bytes memory) {
        uint256 anchor =
            r % 3 == 0 ? 0 : r % 3 == 1 ? block.timestamp - (r >> 8) % 7 days : block.timestamp + (r >> 8) % 7 days;
        return abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
    }

    /// @dev Relevant selector indexes of a target: recorders 0..6, the token 7..9, the EOA 3.
    function _selectorFor(uint256 t, uint256 r) internal pure returns (uint256) {
        if (t <= 1) return r % 7;
        if (t == 2) return 7 + r % 3;
        return 3;
    }

    function _push(bytes[] memory list, uint256 n, bytes memory u) internal pure returns (uint256) {
        list[n] = u;
        return n + 1;
    }

    /// @dev A key's permissions at add time: list type, entries, selectors, limits, time range, anchor.
    function _fullPermissions(uint256 seed) internal view returns (bytes[] memory updates) {
        bytes[] memory list = new bytes[](64);
        uint256 n;
        uint256 r = uint256(keccak256(abi.encode(seed, "full")));
        uint256 listType = r % 4 == 3 ? 1 : r % 4 == 2 ? 2 : 0;
        if (listType != 0 || (r >> 2) % 2 == 0) {
            n = _push(list, n, abi.encodeCall(Updates.setAccessListType, (AccessListType(listType))));
        }
        for (uint256 t; t < NTARGETS; ++t) {
            uint256 rt = uint256(keccak256(abi.encode(seed, t)));
            if (rt % 4 == 0) continue; // not listed
            bool checks = (rt >> 2) % 2 == 0;
            n = _push(list, n, abi.encodeCall(Updates.updateAccessListAddressEntry, (_targetAddress(t), true, checks)));
            for (uint256 i; i < 10; ++i) {
                if ((rt >> (8 + i)) % 2 == 0) continue;
                uint256 sel = _selectorFor(t, i);
                n = _push(
                    list,
                    n,
                    abi.encodeCall(Updates.updateAccessListFunctionEntry, (_targetAddress(t), _selector(sel), true))
                );
            }
        }
        uint256 re = r >> 8;
        if (re % 4 == 1) n = _push(list, n, abi.encodeCall(Updates.removeErc20SpendLimit, (address(token))));
        else if (re % 4 >= 2) n = _push(list, n, _erc20LimitUpdate(re >> 2));
        uint256 rn = r >> 40;
        if (rn % 4 == 1) n = _push(list, n, abi.encodeCall(Updates.removeNativeTokenSpendLimit, ()));
        else if (rn % 4 >= 2) n = _push(list, n, _nativeLimitUpdate(rn >> 2));
        uint256 rg = r >> 72;
        if (rg % 6 <= 2) n = _push(list, n, abi.encodeCall(Updates.removeGasSpendLimit, ()));
        else if (rg % 6 <= 4) n = _push(list, n, _gasLimitUpdate(rg >> 3));
        uint256 rr = r >> 104;
        if (rr % 3 != 0) {
            bytes memory range = _timeRangeUpdate(rr >> 2);
            if (_isValid(range)) n = _push(list, n, range);
        }
        if ((r >> 136) % 3 != 0) n = _push(list, n, _anchorUpdate(r >> 140));
        // A call-count limit a third of the time.
        if ((r >> 170) % 3 == 0) n = _push(list, n, _limitUpdate(CALLS, (r >> 172) % 24, _intervalFrom(r >> 180)));
        updates = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            updates[i] = list[i];
        }
    }

    /// @dev One to three updates of one kind each (a reversed time range now and then, which must be refused whole).
    function _partialUpdates(uint256 seed) internal view returns (bytes[] memory updates) {
        updates = new bytes[](1 + seed % 3);
        for (uint256 i; i < updates.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 kind = r % 14;
            uint256 t = (r >> 8) % NTARGETS;
            if (kind == 0) {
                updates[i] = abi.encodeCall(Updates.setAccessListType, (AccessListType((r >> 16) % 3)));
            } else if (kind == 1) {
                updates[i] = abi.encodeCall(
                    Updates.updateAccessListAddressEntry, (_targetAddress(t), (r >> 16) % 4 != 0, (r >> 18) % 2 == 0)
                );
            } else if (kind <= 3) {
                updates[i] = abi.encodeCall(
                    Updates.updateAccessListFunctionEntry,
                    (_targetAddress(t), _selector(_selectorFor(t, r >> 16)), (r >> 24) % 3 != 0)
                );
            } else if (kind == 4) {
                updates[i] = _timeRangeUpdate(r >> 16);
            } else if (kind == 5) {
                updates[i] = _erc20LimitUpdate(r >> 16);
            } else if (kind == 6) {
                updates[i] = abi.encodeCall(Updates.removeErc20SpendLimit, (address(token)));
            } else if (kind == 7) {
                updates[i] = _nativeLimitUpdate(r >> 16);
            } else if (kind == 8) {
                updates[i] = abi.encodeCall(Updates.removeNativeTokenSpendLimit, ());
            } else if (kind == 9) {
                updates[i] = _gasLimitUpdate(r >> 16);
            } else if (kind == 10) {
                updates[i] = abi.encodeCall(Updates.removeGasSpendLimit, ());
            } else if (kind == 11) {
                updates[i] = _limitUpdate(CALLS, (r >> 16) % 24, _intervalFrom(r >> 24));
            } else if (kind == 12) {
                updates[i] = abi.encodeCall(Updates.removeCallLimit, ());
            } else {
                updates[i] = _anchorUpdate(r >> 16);
            }
        }
    }

    // ================================================================== views against the model (for the invariants)

    function spendRecords() external view returns (uint256) {
        return spendKeys.length;
    }

    /// @return moved What moved in the period, with what a change carried into it.
    /// @return limit The limit in force.
    /// @return carried What a change carried into it.
    function spendRecord(uint256 i) external view returns (uint256 moved, uint256 limit, uint256 carried) {
        bytes32 id = spendKeys[i];
        return (spendMoved[id], spendLimit[id], spendCarried[id]);
    }

    function activeKeys() external view returns (address[] memory list) {
        uint256 n;
        for (uint256 k; k < NKEYS; ++k) {
            if (installed && sessionOf[k] != 0) ++n;
        }
        list = new address[](n);
        n = 0;
        for (uint256 k; k < NKEYS; ++k) {
            if (installed && sessionOf[k] != 0) list[n++] = keys[k];
        }
    }

    function keyCount() external pure returns (uint256) {
        return NKEYS;
    }

    function isActive(uint256 k) external view returns (bool) {
        return installed && sessionOf[k] != 0;
    }

    function expectedStatus(uint256 k, uint256 kind)
        public
        view
        returns (ISessionKeyLens.SpendLimitStatus memory st)
    {
        Session storage s = sessions[sessionOf[k]];
        Budget storage b = s.budgets[kind];
        st.hasLimit = b.limited;
        st.limit = b.limit;
        st.refreshInterval = uint48(b.interval);
        (uint256 start, uint256 next) = Reference.viewPeriod(b.stored, b.interval, s.anchor, block.timestamp);
        (st.periodStart, st.nextRefresh) = (uint48(start), uint48(next));
        st.used = Reference.usedAt(b.used, b.stored, b.interval, block.timestamp);
        // Gas: used the whole gwei spent, remaining what an op can still be charged (whole gwei).
        if (kind == GAS) (st.used, st.remaining) = Reference.gasStatus(b.limit, st.used);
        else st.remaining = st.used >= st.limit ? 0 : st.limit - st.used;
    }

    function expectedInfo(uint256 k) external view returns (ISessionKeyLens.SessionKeyInfo memory info) {
        Session storage s = sessions[sessionOf[k]];
        info.tag = s.tag;
        info.validFrom = uint48(s.validFrom);
        info.validUntil = uint48(s.validUntil);
        info.accessListType = AccessListType(s.listType);
        info.refreshAnchor = uint48(s.anchor);
        info.nativeTokenSpend = expectedStatus(k, NATIVE);
        info.gasSpend = expectedStatus(k, GAS);
    }

    function expectedEntry(uint256 k, uint256 t) external view returns (bool onList, bool checkSelectors, uint16 sels) {
        Entry storage e = sessions[sessionOf[k]].entries[t];
        return (e.onList, e.checkSelectors, e.selectors);
    }

    function targetAddress(uint256 t) external view returns (address) {
        return _targetAddress(t);
    }

    function selectorOf(uint256 i) external pure returns (bytes4) {
        return _selector(i);
    }

    function selectorFor(uint256 t, uint256 r) external pure returns (uint256) {
        return _selectorFor(t, r);
    }

    function summary() external view {
        console.log("bundles accepted / refused:", bundlesAccepted, bundlesRefused);
        console.log("validated by status (active, never, removed, rotated):");
        console.log(validatedByStatus[0], validatedByStatus[1], validatedByStatus[2], validatedByStatus[3]);
        console.log(" (revoked, uninstalled, not yet valid, expired):");
        console.log(validatedByStatus[4], validatedByStatus[5], validatedByStatus[6], validatedByStatus[7]);
        console.log("refused by status (active, never, removed, rotated):");
        console.log(refusedByStatus[0], refusedByStatus[1], refusedByStatus[2], refusedByStatus[3]);
        console.log(" (revoked, uninstalled, not yet valid, expired):");
        console.log(refusedByStatus[4], refusedByStatus[5], refusedByStatus[6], refusedByStatus[7]);
        console.log("model outcome per op (ok, no key, forbidden target, access list, erc20 fn):");
        console.log(refusedByReason[0], refusedByReason[1], refusedByReason[2], refusedByReason[3]);
        console.log(refusedByReason[4]);
        console.log(" (erc20 limit, native limit, gas limit, window):");
        console.log(refusedByReason[5], refusedByReason[6], refusedByReason[7], refusedByReason[8]);
        console.log(" (call limit):", refusedByReason[10]);
        console.log("period charges checked / spend records:", periodChargesChecked, spendKeys.length);
        console.log("spends carried over a change / of them debts:", carriedSpends, carriedDebts);
        console.log("accepted ops with gas charged rounded up to whole gwei:", roundedGasCharges);
        console.log("fresh periods opened / of them after an anchor moved the grid:", freshPeriods, freshPeriodsOffGrid);
        console.log("charges stating a time before the stored period:", chargesBeforeStoredPeriod);
        console.log("running periods kept by an anchor change / a limit re-sent:", anchorKeptPeriods, limitKeptPeriods);
        console.log("recorder calls:", ghost_expectedRecorderCalls, "time:", block.timestamp);
        console.log("non-canonical ops refused:", nonCanonicalOpsRefused);
    }
}
