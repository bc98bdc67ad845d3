// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {SessionKeyTestBase} from "../../utils/SessionKeyTestBase.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";

/// @dev The module's ERC-7579 `isInitialized`, which no interface declares (tests use the module through its interface
/// only, so its source is compiled once, via-IR, by the module's own build).
interface IModuleInitialized {
    function isInitialized(address account) external view returns (bool);
}

/// @dev A call target that records every call it receives (selector, value, caller).
contract CallRecorder {
    struct Call {
        address caller;
        bytes4 selector;
        uint256 value;
        uint256 arg;
    }

    Call[] internal _calls;
    mapping(bytes4 selector => uint256) public callsTo;

    function f1(uint256 arg) external payable {
        _record(arg);
    }

    function f2(uint256 arg) external payable {
        _record(arg);
    }

    function f3(uint256 arg) external payable {
        _record(arg);
    }

    fallback() external payable {
        _record(0);
    }

    receive() external payable {
        _record(0);
    }

    function _record(uint256 arg) private {
        bytes4 selector = msg.data.length >= 4 ? bytes4(msg.data[:4]) : bytes4(0);
        _calls.push(Call(msg.sender, selector, msg.value, arg));
        ++callsTo[selector];
    }

    function callCount() external view returns (uint256) {
        return _calls.length;
    }

    function callAt(uint256 i) external view returns (Call memory) {
        return _calls[i];
    }
}

/// @dev Reference implementations, written the obvious way, that the fuzz tests compare the module against.
library Reference {
    /// Timestamps (validFrom, validUntil, the refresh anchor, an op's stated time) are 32-bit.
    uint256 internal constant MAX_TIMESTAMP = (1 << 32) - 1;
    uint256 internal constant MAX_INTERVAL = (1 << 32) - 1;
    /// The largest limit of each kind (SpendLimitTooLarge(limit, maximum) above).
    uint256 internal constant MAX_NATIVE_LIMIT = (1 << 96) - 1;
    uint256 internal constant MAX_ERC20_LIMIT = (1 << 96) - 1;
    uint256 internal constant GWEI = 1e9;
    uint256 internal constant MAX_GAS_LIMIT = ((1 << 42) - 1) * GWEI;

    /// @notice A new key's refresh anchor: the time it was added (addSessionKey or install), until a setRefreshAnchor
    /// (in the same call, applied first, or later) sets another. Rotation keeps it.
    function newKeyAnchor(uint256 addedAt) internal pure returns (uint256) {
        return addedAt;
    }

    /// @notice The period containing `time`, inclusive, for periods [anchor + k·interval, anchor + (k+1)·interval), k
    /// any whole number; a period that would start before the epoch starts at 0 (TimeRange.period's NatSpec).
    function period(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start, uint256 end) {
        int256 t = int256(time);
        int256 a = int256(anchor);
        int256 i = int256(interval);
        int256 k = (t - a) / i;
        if ((t - a) % i != 0 && t < a) k -= 1; // floor division
        int256 s = a + k * i;
        end = uint256(s + i - 1);
        start = s < 0 ? 0 : uint256(s);
    }

    function periodStart(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256 start) {
        (start,) = period(time, anchor, interval);
    }

    /// @notice The start of the period containing `time` on the anchor's grid, 0 for a lifetime limit (interval 0).
    function budgetStart(uint256 time, uint256 anchor, uint256 interval) internal pure returns (uint256) {
        return interval == 0 ? 0 : periodStart(time, anchor, interval);
    }

    /// @notice The period a budget is stored in after its limit or interval changes at `now_` (setXxxSpendLimit):
    /// - the interval is the same (refreshing) one and the stored period [stored, stored + interval) is still running by
    ///   its own clock: that period goes on (re-sending a limit never opens a period early, whatever the anchor);
    /// - otherwise (a new interval, a lifetime limit, or the stored period is over): the period of now on the grid of
    ///   the key's anchor (budgetStart).
    /// A change of the anchor alone moves no budget: each keeps its stored period until it ends (budgetPeriod).
    function startAfterChange(uint256 stored, uint256 oldInterval, uint256 newInterval, uint256 anchor, uint256 now_)
        internal
        pure
        returns (uint256)
    {
        bool running = oldInterval != 0 && now_ < stored + oldInterval;
        if (running && newInterval == oldInterval) return stored;
        return budgetStart(now_, anchor, newInterval);
    }

    /// @notice What a budget that recorded `used` in its stored period [stored, stored + interval) has spent at `time`:
    /// nothing once that period is over by its own clock (whatever the anchor says since); everything, for a lifetime
    /// limit.
    function usedAt(uint256 used, uint256 stored, uint256 interval, uint256 time) internal pure returns (uint256) {
        return interval != 0 && time >= stored + interval ? 0 : used;
    }

    /// @notice The period a refreshing budget (interval > 0) with stored period start `stored` charges an op stating
    /// `statedTime` to, and the window the op is narrowed to, [from, end]:
    /// - before the stored period ends (statedTime < stored + interval, a time before `stored` included): the stored
    ///   period, [stored, stored + interval - 1];
    /// - after it: the period of statedTime on the anchor's grid, [G, E], which the budget opens afresh (`refreshed`),
    ///   never before the stored one ended: from = max(G, stored + interval).
    function budgetPeriod(uint256 stored, uint256 interval, uint256 anchor, uint256 statedTime)
        internal
        pure
        returns (uint256 start, uint256 from, uint256 end, bool refreshed)
    {
        uint256 storedEnd = stored + interval; // exclusive
        if (statedTime < storedEnd) return (stored, stored, storedEnd - 1, false);
        (start, end) = period(statedTime, anchor, interval);
        from = start > storedEnd ? start : storedEnd;
        refreshed = true;
    }

    /// @notice A refreshing budget's period as the views show it at `now_`: the stored one while it lasts, then the
    /// period of now on the anchor's grid, starting no earlier than the stored one's end. (0, 0) for a lifetime limit.
    function viewPeriod(uint256 stored, uint256 interval, uint256 anchor, uint256 now_)
        internal
        pure
        returns (uint256 periodStart_, uint256 nextRefresh)
    {
        if (interval == 0) return (0, 0);
        uint256 storedEnd = stored + interval;
        if (now_ < storedEnd) return (stored, storedEnd);
        (uint256 start, uint256 end) = period(now_, anchor, interval);
        return (start > storedEnd ? start : storedEnd, end + 1);
    }

    /// @notice Gas budgets are kept in whole gwei: a limit allows floor(limit / 1 gwei) of them...
    function gasCapGwei(uint256 limitWei) internal pure returns (uint256) {
        return limitWei / GWEI;
    }

    /// @notice ...and an op's maximum cost is charged rounded up to whole gwei, so rounding never favours the key.
    function gasChargeGwei(uint256 costWei) internal pure returns (uint256) {
        return costWei / GWEI + (costWei % GWEI == 0 ? 0 : 1);
    }

    /// @notice A gas spend as the views report it: `used` the whole gwei spent, `remaining` what an op can still be
    /// charged (whole gwei: with a limit that is not a whole number of gwei, used + remaining falls short of it).
    function gasStatus(uint256 limitWei, uint256 usedGwei) internal pure returns (uint256 used, uint256 remaining) {
        uint256 cap = gasCapGwei(limitWei);
        used = usedGwei * GWEI;
        remaining = usedGwei >= cap ? 0 : (cap - usedGwei) * GWEI;
    }

    /// @notice ERC-4337 validation data for sigFailed = false and an inclusive window [from, until] (until = type(uint48).max
    /// for open), as the EntryPoint reads it: executes iff validAfter < now <= validUntil, validUntil 0 = open.
    function executesAt(uint256 validationData, uint256 time) internal pure returns (bool) {
        uint256 validUntil = uint48(validationData >> 160);
        uint256 validAfter = uint48(validationData >> 208);
        if (validUntil == 0) validUntil = type(uint48).max;
        return validAfter < time && time <= validUntil;
    }
}

/// @dev Reading an encoded permission update (`selector ‖ 32-byte words`) the way the fuzz tests' reference decoders do.
library UpdateWords {
    /// @notice Word `n` after the selector, whole (dirty bits included); 0 when the update is too short to hold it.
    function word(bytes memory u, uint256 n) internal pure returns (uint256 w) {
        if (u.length < 36 + 32 * n) return 0;
        assembly ("memory-safe") {
            w := mload(add(u, add(36, mul(n, 32))))
        }
    }

    /// @notice The update's selector; 0 for an update shorter than 4 bytes.
    function selectorOf(bytes memory u) internal pure returns (bytes4) {
        return u.length >= 4 ? bytes4(u) : bytes4(0);
    }
}

/// @dev The module's refusals of update words, as the interface describes them, for the fuzz tests' reference decoders
/// (`i` is the update's index in its list).
library UpdateErrors {
    uint256 internal constant MAX_U32 = (1 << 32) - 1;
    uint256 internal constant MAX_U48 = (1 << 48) - 1;

    function malformed(uint256 i) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdate.selector, i);
    }

    /// @notice The EntryPoints v0.6 to v0.9, which no entry or limit may name.
    function isEntryPoint(address a) internal pure returns (bool) {
        return a == 0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789 || a == 0x0000000071727De22E5E9d8BAf0edAc6f37da032
            || a == 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108 || a == 0x433709009B8330FDa32311DF1C2AFA402eD8D009;
    }

    /// @notice A target address word: malformed with high bits; InvalidTarget for the zero address, the account, the
    /// module or an EntryPoint.
    function target(uint256 w, uint256 i, address account, address module) internal pure returns (bytes memory) {
        if (w > type(uint160).max) return malformed(i);
        address a = address(uint160(w));
        if (a == address(0) || a == account || a == module || isEntryPoint(a)) {
            return abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, a);
        }
        return "";
    }

    /// @notice A limit above what the module stores for its kind.
    function limit(uint256 w, uint256 max) internal pure returns (bytes memory) {
        return w > max ? abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, w, max) : bytes("");
    }

    /// @notice A refresh interval word: malformed past uint48; RefreshIntervalTooLarge past 32 bits.
    function interval(uint256 w, uint256 i) internal pure returns (bytes memory) {
        if (w > MAX_U48) return malformed(i);
        if (w > MAX_U32) return abi.encodeWithSelector(ISessionKeyModule.RefreshIntervalTooLarge.selector, w);
        return "";
    }
}

/// @dev Shared set-up for the session fuzz tests: a recorder target and a few helpers on top of SessionKeyTestBase.
abstract contract SessionFuzzBase is SessionKeyTestBase {
    CallRecorder internal target;

    bytes4 internal constant F1 = CallRecorder.f1.selector;
    bytes4 internal constant F2 = CallRecorder.f2.selector;
    bytes4 internal constant F3 = CallRecorder.f3.selector;

    function setUp() public virtual override {
        super.setUp();
        target = new CallRecorder();
        vm.label(address(target), "target");
        vm.label(address(module), "module");
        vm.label(address(account), "account");
        vm.label(address(token), "token");
    }

    function _callF1(uint256 arg) internal view returns (bytes memory) {
        return _executeSingle(address(target), 0, abi.encodeCall(CallRecorder.f1, (arg)));
    }

    /// @dev Allow-all, no native or gas limit: the key may call anything; only its time range restricts it.
    function _openPermissions() internal pure returns (bytes[] memory updates) {
        updates = new bytes[](3);
        updates[0] = abi.encodeCall(Updates.setAccessListType, (AccessListType.ALLOW_ALL));
        updates[1] = abi.encodeCall(Updates.removeNativeTokenSpendLimit, ());
        updates[2] = abi.encodeCall(Updates.removeGasSpendLimit, ());
    }

    function _with(bytes[] memory updates, bytes memory extra) internal pure returns (bytes[] memory out) {
        out = new bytes[](updates.length + 1);
        for (uint256 i; i < updates.length; ++i) {
            out[i] = updates[i];
        }
        out[updates.length] = extra;
    }

    /// @dev A session op stating `statedTime`, which the 4-byte field must hold (no test may rely on truncation).
    function _signedOp(bytes memory callData, uint256 statedTime)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        require(statedTime <= type(uint32).max, "stated time beyond uint32");
        op = _sessionOp(callData);
        op.signature = _signSession(op, sessionKeyPk, statedTime);
    }



    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function _validAfter(uint256 validationData) internal pure returns (uint256) {
        return uint48(validationData >> 208);
    }

    function _validUntil(uint256 validationData) internal pure returns (uint256) {
        return uint48(validationData >> 160);
    }

    /// @dev Validation data the module should return for an inclusive window [from, until], until 0 = open.
    function _expectedValidationData(uint256 from, uint256 until) internal pure returns (uint256) {
        return (until << 160) | ((from == 0 ? 0 : from - 1) << 208);
    }

    function _erc20Status(address key, address erc20)
        internal
        view
        returns (ISessionKeyLens.SpendLimitStatus memory)
    {
        return lens.getErc20SpendLimit(address(module), address(account), key, erc20);
    }
}
