// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates, AccessListType} from
    "./interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "./libraries/SessionKeyStorage.sol";
import {ExecutionParser} from "./libraries/ExecutionParser.sol";
import {SessionSignature} from "./libraries/SessionSignature.sol";
import {UserOpCalldata} from "./libraries/UserOpCalldata.sol";
import {TimeRange} from "./permissions/TimeRange.sol";
import {AccessList} from "./permissions/AccessList.sol";
import {Erc20SpendLimit} from "./permissions/Erc20SpendLimit.sol";
import {NativeSpendLimit} from "./permissions/NativeSpendLimit.sol";
import {GasSpendLimit} from "./permissions/GasSpendLimit.sol";
import {RequiredPaymaster} from "./permissions/RequiredPaymaster.sol";

/**
 * @title SessionKeyModule
 * @notice ERC-7579 validator for session keys: extra signers whose every user op is checked, during ERC-4337
 * validation, against the permissions the account's owner granted them. Time range, access list (contracts and
 * functions), ERC-20, native token and gas spend limits (lifetime or per period), and a required paymaster.
 * @dev Route an op to this module with the nonce key `module address ‖ 4-byte lane` (OpenZeppelin AccountERC7579).
 * The op's signature is `uint32 statedTime ‖ ECDSA(digest)` (69 bytes), or, for gas estimation,
 * `uint32 statedTime ‖ sessionKey ‖ ECDSA(digest)` (89 bytes), which runs every check for `sessionKey` and reports
 * SIG_VALIDATION_FAILED when the ECDSA signature is not that key's. The digest is `keccak256(userOpHash ‖ uint32
 * statedTime)` ({SessionSignature}), so the stated time is signed. `statedTime` picks the period refreshing limits
 * are charged to; see {TimeRange}. Validation touches only account-associated storage and reads no clock (ERC-7562).
 *
 * One reading of the calls: the module accepts an op only in the canonical ABI encoding, with every offset and length
 * inside its region ({ExecutionParser}, {UserOpCalldata}), so the account runs exactly the calls the module checked.
 *
 * Only the account manages its keys (every management function acts on msg.sender); a session key cannot, since its
 * ops may never call the account, this module or the EntryPoint. Session keys produce no ERC-1271 signatures: a
 * signed permit would bypass every spend limit.
 */
contract SessionKeyModule is ISessionKeyModule {
    using SessionKeyStorage for uint256;

    uint256 private constant SIG_VALIDATION_FAILED = 1;

    // Canonical EntryPoints v0.6 to v0.9: a session op calling one could withdraw the account's deposit.
    address private constant ENTRYPOINT_V06 = 0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789;
    address private constant ENTRYPOINT_V07 = 0x0000000071727De22E5E9d8BAf0edAc6f37da032;
    address private constant ENTRYPOINT_V08 = 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108;
    address private constant ENTRYPOINT_V09 = 0x433709009B8330FDa32311DF1C2AFA402eD8D009;

    // ================================================================== ERC-7579 module

    /**
     * @notice Installs the module on the calling account, optionally with initial keys.
     * @param data Empty, or `abi.encode(address[] keys, bytes32[] tags, bytes[][] permissionUpdates)`.
     */
    function onInstall(bytes calldata data) external {
        address account = msg.sender;
        uint256 slot = SessionKeyStorage.accountSlot(account);
        uint256 state = slot.load();
        if (state.installed()) revert ModuleAlreadyInitialized(account);
        slot.store(SessionKeyStorage.packAccountState(state.generation(), state.lastSessionId(), 0, true));
        if (data.length == 0) return;
        (address[] calldata keys, bytes32[] calldata tags, bytes[][] calldata updates) = _decodeInitData(data);
        if (keys.length != tags.length || keys.length != updates.length) {
            revert InitDataLengthMismatch(keys.length, tags.length, updates.length);
        }
        for (uint256 i; i < keys.length; ++i) {
            _addSessionKey(account, keys[i], tags[i], updates[i]);
        }
    }

    /// @dev `abi.decode(data, (address[], bytes32[], bytes[][]))` as calldata arrays, read where they are instead of
    /// being copied to memory. Canonical encoding only (one reading of the updates): re-encoding what was read must give
    /// `data` back byte for byte. Install is rare, so this simple, complete check is worth its gas.
    function _decodeInitData(bytes calldata data)
        private
        pure
        returns (address[] calldata keys, bytes32[] calldata tags, bytes[][] calldata updates)
    {
        if (data.length < 0x60) revert MalformedInitData();
        bool malformed;
        assembly ("memory-safe") {
            let end := add(data.offset, data.length)
            // Offsets below 2^32 cannot wrap around; anything else is not canonical anyway.
            let o0 := calldataload(data.offset)
            let o1 := calldataload(add(data.offset, 0x20))
            let o2 := calldataload(add(data.offset, 0x40))
            malformed := or(or(gt(o0, data.length), gt(o1, data.length)), gt(o2, data.length))
            let p := add(data.offset, o0)
            keys.offset := add(p, 0x20)
            keys.length := calldataload(p)
            malformed := or(malformed, or(gt(keys.offset, end), gt(keys.length, div(sub(end, keys.offset), 0x20))))
            p := add(data.offset, o1)
            tags.offset := add(p, 0x20)
            tags.length := calldataload(p)
            malformed := or(malformed, or(gt(tags.offset, end), gt(tags.length, div(sub(end, tags.offset), 0x20))))
            p := add(data.offset, o2)
            updates.offset := add(p, 0x20)
            updates.length := calldataload(p)
            malformed := or(malformed, or(gt(updates.offset, end), gt(updates.length, div(sub(end, updates.offset), 0x20))))
        }
        if (malformed || keccak256(abi.encode(keys, tags, updates)) != keccak256(data)) revert MalformedInitData();
    }

    /// @notice Uninstalls the module: every key of the calling account is invalidated in O(1).
    function onUninstall(bytes calldata) external {
        _revokeAll(msg.sender, false);
    }

    /// @notice A validator (ERC-7579 module type 1).
    /// @param moduleTypeId The module type asked about.
    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    /// @inheritdoc ISessionKeyModule
    function isInitialized(address account) external view returns (bool) {
        return SessionKeyStorage.accountSlot(account).load().installed();
    }

    // ================================================================== validation

    /**
     * @notice Validates a user op signed by a session key and charges its budgets.
     * @dev Returns SIG_VALIDATION_FAILED for a bad signature or an unknown, removed or revoked key; reverts with the
     * rule's custom error when the op breaks a permission; otherwise returns the op's validity window.
     * @param userOp The user op (msg.sender is the account).
     * @param userOpHash The EntryPoint's hash of the op, which the session key signed.
     */
    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external returns (uint256) {
        (bytes calldata callData, bytes calldata paymasterAndData, bytes calldata signature) = UserOpCalldata.fields(userOp);
        (address sessionKey, uint256 statedTime, bool sigFailed) = SessionSignature.read(signature, userOpHash);
        if (sessionKey == address(0)) return SIG_VALIDATION_FAILED;
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        uint256 keySlot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        uint256 record = keySlot.load();
        if (record == 0) return SIG_VALIDATION_FAILED;

        uint256 window = _checkCalls(account, record, callData, statedTime, TimeRange.ofKey(record));
        if (record & SessionKeyStorage.FLAG_PAYMASTER_REQUIRED != 0) {
            RequiredPaymaster.check(paymasterAndData, account, record);
        }
        // A gas budget counts nothing when a paymaster pays.
        if (record & SessionKeyStorage.FLAG_GAS_UNLIMITED == 0 && paymasterAndData.length == 0) {
            uint256 cost = GasSpendLimit.maxCost(userOp);
            if (cost != 0) {
                (record, window) = GasSpendLimit.charge(account, generation, record, cost, statedTime, window);
                keySlot.store(record);
            }
        }
        return TimeRange.toValidationData(sigFailed, window);
    }

    /// @notice Session keys never sign for the account: a signed permit would bypass every limit.
    function isValidSignatureWithSender(address, bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }

    /// @dev Access list and ERC-20 limits per call, then the native token limit on the sum of the values.
    function _checkCalls(address account, uint256 record, bytes calldata callData, uint256 statedTime, uint256 window)
        private
        returns (uint256)
    {
        (bool isBatch, bytes calldata executionCalldata) = ExecutionParser.parse(callData);
        uint256 value;
        if (!isBatch) {
            address target;
            bytes calldata data;
            (target, value, data) = ExecutionParser.single(executionCalldata);
            window = _checkCall(account, record, target, data, statedTime, window);
        } else {
            // Canonical encoding only (see ExecutionParser): each call must start where the previous one ended, and the
            // last must end the region, so the account reads exactly these calls.
            (uint256 count, uint256 head) = ExecutionParser.batchCount(executionCalldata);
            for (uint256 i; i < count; ++i) {
                address target;
                uint256 callValue;
                bytes calldata data;
                (target, callValue, data, head) = ExecutionParser.batchCall(executionCalldata, i, head);
                value += callValue;
                window = _checkCall(account, record, target, data, statedTime, window);
            }
            ExecutionParser.batchEnd(executionCalldata, head);
        }
        if (value == 0 || record & SessionKeyStorage.FLAG_NATIVE_UNLIMITED != 0) return window;
        return NativeSpendLimit.charge(account, record, value, statedTime, window);
    }

    /// @dev One call: never the account, the module or an EntryPoint; then the access list; then ERC-20 metering.
    function _checkCall(
        address account,
        uint256 record,
        address target,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        _requireCallable(account, target);
        bytes4 selector = ExecutionParser.selectorOf(data);
        uint256 sessionId = record.sessionId();
        uint256 slot = SessionKeyStorage.targetSlot(account, sessionId, target);
        uint256 entry = slot.load();
        uint256 listType = record.listType();
        if (!AccessList.allows(listType, entry, selector)) {
            AccessList.check(account, sessionId, listType, entry, target, selector);
        }
        if (!Erc20SpendLimit.isLimited(entry)) return window;
        return Erc20SpendLimit.charge(account, record, slot, entry, target, selector, data, statedTime, window);
    }

    /// @dev Session keys never call the account (address(0) runs as the account too), the module or an EntryPoint.
    function _requireCallable(address account, address target) private view {
        if (!_isForbiddenTarget(account, target)) return;
        if (target == account || target == address(0)) revert CallToAccountNotAllowed(target);
        if (target == address(this)) revert CallToModuleNotAllowed();
        revert CallToEntryPointNotAllowed();
    }

    /// @dev The account, address(0), this module or an EntryPoint: never a call target nor an entry's contract.
    function _isForbiddenTarget(address account, address target) private view returns (bool forbidden) {
        // Assembly: one branch for seven comparisons, on every call of every op.
        assembly ("memory-safe") {
            forbidden := or(
                or(or(eq(target, account), iszero(target)), eq(target, address())),
                or(
                    or(eq(target, ENTRYPOINT_V08), eq(target, ENTRYPOINT_V07)),
                    or(eq(target, ENTRYPOINT_V09), eq(target, ENTRYPOINT_V06))
                )
            )
        }
    }

    // ================================================================== management

    modifier onlyInstalled() {
        if (!SessionKeyStorage.accountSlot(msg.sender).load().installed()) revert NotInstalled(msg.sender);
        _;
    }

    /// @inheritdoc ISessionKeyModule
    function addSessionKey(address sessionKey, bytes32 tag, bytes[] calldata permissionUpdates)
        external
        onlyInstalled
    {
        // Canonical: the array right after the three head words (offset 0x60), ending calldata.
        _requireCanonicalUpdates(permissionUpdates, 4 + 0x80);
        _addSessionKey(msg.sender, sessionKey, tag, permissionUpdates);
    }

    /// @inheritdoc ISessionKeyModule
    function removeSessionKey(address sessionKey) external onlyInstalled {
        address account = msg.sender;
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        uint256 generation = state.generation();
        (uint256 keySlot, uint256 record) = _existingKey(account, generation, sessionKey);

        uint256 last = state.keyCount() - 1;
        uint256 index = record.index();
        uint256 lastSlot = SessionKeyStorage.keyListSlot(account, generation, last);
        if (index != last) {
            // Swap and pop: the last key takes the removed key's place, its gas limit with it.
            uint256 moved = lastSlot.load();
            SessionKeyStorage.keyListSlot(account, generation, index).store(moved);
            uint256 movedKeySlot = SessionKeyStorage.keySlot(account, generation, address(uint160(moved)));
            movedKeySlot.store(movedKeySlot.load().withIndex(index));
        }
        lastSlot.store(0);
        keySlot.store(0);
        accountSlot.store(SessionKeyStorage.packAccountState(generation, state.lastSessionId(), last, true));
        emit SessionKeyRemoved(account, sessionKey, _tag(account, record));
    }

    /// @inheritdoc ISessionKeyModule
    function rotateSessionKey(address oldSessionKey, address newSessionKey) external onlyInstalled {
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (uint256 oldSlot, uint256 record) = _existingKey(account, generation, oldSessionKey);
        uint256 newSlot = _newKeySlot(account, generation, newSessionKey);

        newSlot.store(record);
        oldSlot.store(0);
        uint256 listSlot = SessionKeyStorage.keyListSlot(account, generation, record.index());
        listSlot.store((listSlot.load() & ~SessionKeyStorage.MASK_160) | uint160(newSessionKey));
        emit SessionKeyRotated(account, oldSessionKey, newSessionKey, _tag(account, record));
    }

    /// @inheritdoc ISessionKeyModule
    function updateKeyPermissions(address sessionKey, bytes[] calldata updates) external onlyInstalled {
        // Canonical: the array right after the two head words (offset 0x40), ending calldata.
        _requireCanonicalUpdates(updates, 4 + 0x60);
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (uint256 keySlot, uint256 record) = _existingKey(account, generation, sessionKey);
        keySlot.store(_applyUpdates(account, generation, record, updates));
        emit SessionKeyPermissionsUpdated(account, sessionKey, _tag(account, record), _packed(updates));
    }

    /// @inheritdoc ISessionKeyModule
    function revokeAllSessionKeys() external onlyInstalled {
        _revokeAll(msg.sender, true);
    }

    function _addSessionKey(address account, address sessionKey, bytes32 tag, bytes[] calldata updates) private {
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        uint256 generation = state.generation();
        uint256 keySlot = _newKeySlot(account, generation, sessionKey);

        uint256 sessionId = state.lastSessionId() + 1;
        uint256 index = state.keyCount();
        if (sessionId > SessionKeyStorage.MAX_SESSION_ID) revert CounterExhausted();
        accountSlot.store(SessionKeyStorage.packAccountState(generation, sessionId, index + 1, true));
        SessionKeyStorage.keyListSlot(account, generation, index).store(uint160(sessionKey));
        if (tag != 0) SessionKeyStorage.tagSlot(account, sessionId).store(uint256(tag));
        // A new key starts with an empty allowlist and zero native and gas limits: it can do nothing.
        keySlot.store(_applyUpdates(account, generation, SessionKeyStorage.newRecord(sessionId, index), updates));

        emit SessionKeyAdded(account, sessionKey, tag, _packed(updates));
    }

    function _revokeAll(address account, bool stayInstalled) private {
        uint256 slot = SessionKeyStorage.accountSlot(account);
        uint256 state = slot.load();
        if (stayInstalled && !state.installed()) revert NotInstalled(account);
        uint256 generation = state.generation() + 1;
        if (generation > SessionKeyStorage.MAX_GENERATION) revert CounterExhausted();
        slot.store(SessionKeyStorage.packAccountState(generation, state.lastSessionId(), 0, stayInstalled));
        emit AllSessionKeysRevoked(account, generation);
    }

    function _existingKey(address account, uint256 generation, address sessionKey)
        private
        view
        returns (uint256 slot, uint256 record)
    {
        slot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        record = slot.load();
        if (record == 0) revert SessionKeyNotFound(sessionKey);
    }

    function _newKeySlot(address account, uint256 generation, address sessionKey) private view returns (uint256 slot) {
        if (sessionKey == address(0)) revert InvalidSessionKey();
        slot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        if (slot.load() != 0) revert SessionKeyAlreadyExists(sessionKey);
    }

    function _tag(address account, uint256 record) private view returns (bytes32) {
        return bytes32(SessionKeyStorage.tagSlot(account, record.sessionId()).load());
    }

    // ================================================================== permission updates

    /// @dev Applies encoded {ISessionKeyPermissionUpdates} calls; returns the updated record (stored by the caller).
    /// Any malformed or out-of-range update reverts the whole call, so nothing stored is ever half-updated.
    function _applyUpdates(address account, uint256 generation, uint256 record, bytes[] calldata updates)
        private
        returns (uint256)
    {
        // Periods are stored in 32 bits: past 2106 they could not be (the module needs a successor by then).
        if (block.timestamp > TimeRange.MAX_TIMESTAMP) revert TimestampOutOfRange(block.timestamp);
        // The refresh anchor first: every limit set in the same call then starts its periods from it, whatever the
        // order of the updates. It moves no budget: each keeps the period it is in until that period ends by its own
        // clock, then follows the new anchor ({TimeRange-narrowToBudgetPeriod}), so no period ever opens early.
        for (uint256 i; i < updates.length; ++i) {
            if (ExecutionParser.selectorOf(updates[i]) == Updates.setRefreshAnchor.selector) {
                record = record.withRefreshAnchor(_timestampArg(updates[i], 0, 1, i));
            }
        }
        for (uint256 i; i < updates.length; ++i) {
            bytes calldata update = updates[i];
            bytes4 selector = ExecutionParser.selectorOf(update);
            if (selector == Updates.setAccessListType.selector) {
                uint256 listType = _arg(update, 0, 1, i);
                if (listType > uint256(AccessListType.ALLOW_ALL)) revert InvalidAccessListType(listType);
                record = record.withListType(listType);
            } else if (selector == Updates.updateAccessListAddressEntry.selector) {
                uint256 slot = SessionKeyStorage.targetSlot(account, record.sessionId(), _targetArg(update, 0, 3, i, account));
                slot.store(AccessList.withContractEntry(slot.load(), _boolArg(update, 1, 3, i), _boolArg(update, 2, 3, i)));
            } else if (selector == Updates.updateAccessListFunctionEntry.selector) {
                _updateFunctionEntry(account, record.sessionId(), update, i);
            } else if (selector == Updates.setTimeRange.selector) {
                uint256 from = _timestampArg(update, 0, 2, i);
                uint256 until = _timestampArg(update, 1, 2, i);
                if (until != 0 && from > until) revert InvalidTimeRange(from, until);
                record = record.withTimeRange(from, until);
            } else if (selector == Updates.setNativeTokenSpendLimit.selector) {
                uint256 limit = _limitArg(update, 0, 2, i, NativeSpendLimit.MAX_LIMIT);
                _rebaseNative(account, record, limit, _intervalArg(update, 1, 2, i));
                record = record.withFlag(SessionKeyStorage.FLAG_NATIVE_UNLIMITED, false);
            } else if (selector == Updates.removeNativeTokenSpendLimit.selector) {
                _noArgs(update, i);
                record = record.withFlag(SessionKeyStorage.FLAG_NATIVE_UNLIMITED, true);
            } else if (selector == Updates.setErc20SpendLimit.selector) {
                _setErc20SpendLimit(account, record, update, i);
            } else if (selector == Updates.removeErc20SpendLimit.selector) {
                uint256 slot = SessionKeyStorage.targetSlot(account, record.sessionId(), _targetArg(update, 0, 1, i, account));
                slot.store(Erc20SpendLimit.remove(slot.load()));
            } else if (selector == Updates.setGasSpendLimit.selector) {
                uint256 limit = _limitArg(update, 0, 2, i, GasSpendLimit.MAX_LIMIT);
                record = _rebaseGas(account, generation, record, limit, _intervalArg(update, 1, 2, i));
                record = record.withFlag(SessionKeyStorage.FLAG_GAS_UNLIMITED, false);
            } else if (selector == Updates.removeGasSpendLimit.selector) {
                _noArgs(update, i);
                record = record.withFlag(SessionKeyStorage.FLAG_GAS_UNLIMITED, true);
            } else if (selector == Updates.setRequiredPaymaster.selector) {
                address paymaster = _addressArg(update, 0, 1, i);
                SessionKeyStorage.paymasterSlot(account, record.sessionId()).store(uint160(paymaster));
                record = record.withFlag(SessionKeyStorage.FLAG_PAYMASTER_REQUIRED, paymaster != address(0));
            } else if (selector != Updates.setRefreshAnchor.selector) {
                revert UnknownPermissionUpdate(i, selector);
            }
        }
        return record;
    }

    /**
     * @dev One reading of the updates: reverts unless `updates` is canonically encoded as the last argument of the call,
     * its elements starting at calldata position `offset`: every element's offset in order, right after the previous
     * element (the first right after the heads), each length inside calldata (unsigned), padded to 32 bytes, and the
     * last ending calldata. Solidity's element accessors only check offsets with signed arithmetic.
     */
    function _requireCanonicalUpdates(bytes[] calldata updates, uint256 offset) private pure {
        bool canonical;
        // Assembly: one pass over the heads with unsigned bounds; runs on every add and update (a few dozen gas each).
        assembly ("memory-safe") {
            let base := updates.offset
            let n := updates.length
            let end := calldatasize()
            // Solidity bounded the array's length word and n heads inside calldata: 0x20 × n cannot overflow.
            canonical := eq(base, offset)
            let expected := shl(5, n)
            for { let i := 0 } and(canonical, lt(i, n)) { i := add(i, 1) } {
                let head := calldataload(add(base, shl(5, i)))
                let position := add(base, head)
                // head == expected (bounded below calldatasize) keeps position from wrapping.
                canonical := and(eq(head, expected), iszero(gt(add(position, 0x20), end)))
                let length := calldataload(position)
                canonical := and(canonical, iszero(gt(length, sub(end, add(position, 0x20)))))
                expected := add(add(head, 0x20), and(add(mul(length, canonical), 31), not(31)))
            }
            canonical := and(canonical, eq(add(base, expected), end))
        }
        if (!canonical) revert MalformedPermissionUpdateList();
    }

    /// @dev The updates concatenated, for the events: about half the bytes of their ABI encoding as bytes[] (8 gas per
    /// logged byte). Every update has been checked to be exactly `4 + 32 × arguments` long, so a reader splits them by
    /// their selectors. Called after {_applyUpdates}, which accessed (so bounds-checked) every element.
    function _packed(bytes[] calldata updates) private pure returns (bytes memory packed) {
        // Assembly: one pass, copying each update after the previous one, and the length written last.
        assembly ("memory-safe") {
            packed := mload(0x40)
            let cursor := add(packed, 0x20)
            for { let i := 0 } lt(i, updates.length) { i := add(i, 1) } {
                let element := add(updates.offset, calldataload(add(updates.offset, shl(5, i))))
                let length := calldataload(element)
                calldatacopy(cursor, add(element, 0x20), length)
                cursor := add(cursor, length)
            }
            mstore(packed, sub(cursor, add(packed, 0x20)))
            mstore(0x40, and(add(cursor, 31), not(31)))
        }
    }

    function _keyListSlot(address account, uint256 generation, uint256 record) private pure returns (uint256) {
        return SessionKeyStorage.keyListSlot(account, generation, record.index());
    }

    /// @dev A new gas limit or interval: the limit goes to the key-list entry, the budget to the record.
    function _rebaseGas(address account, uint256 generation, uint256 record, uint256 limit, uint256 interval)
        private
        returns (uint256)
    {
        uint256 listSlot = _keyListSlot(account, generation, record);
        uint256 entry = listSlot.load();
        listSlot.store((entry & SessionKeyStorage.MASK_160) | (limit << 160));
        return GasSpendLimit.rebase(record, GasSpendLimit.limitOf(entry), limit, interval, block.timestamp);
    }

    /// @dev A new native limit or interval.
    function _rebaseNative(address account, uint256 record, uint256 limit, uint256 interval) private {
        uint256 slot = SessionKeyStorage.nativeSlot(account, record.sessionId());
        uint256 budget = slot.load();
        slot.store(NativeSpendLimit.rebase(budget, limit, interval, record.refreshAnchor(), block.timestamp));
    }

    function _updateFunctionEntry(address account, uint256 sessionId, bytes calldata update, uint256 i) private {
        address target = _targetArg(update, 0, 3, i, account);
        uint256 word = _arg(update, 1, 3, i);
        if (word << 32 != 0) revert MalformedPermissionUpdate(i); // bytes4 is left-aligned, the rest must be zero
        bool isOnList = _boolArg(update, 2, 3, i);
        uint256 slot = SessionKeyStorage.targetSlot(account, sessionId, target);
        slot.store(AccessList.updateSelector(account, sessionId, slot.load(), target, bytes4(bytes32(word)), isOnList));
    }

    function _setErc20SpendLimit(address account, uint256 record, bytes calldata update, uint256 i) private {
        address token = _targetArg(update, 0, 3, i, account);
        uint256 limit = _limitArg(update, 1, 3, i, Erc20SpendLimit.MAX_LIMIT);
        uint256 interval = _intervalArg(update, 2, 3, i);
        uint256 slot = SessionKeyStorage.targetSlot(account, record.sessionId(), token);
        slot.store(Erc20SpendLimit.set(account, record, slot.load(), token, limit, interval, block.timestamp));
    }

    /// @dev Word `n` of an update with exactly `count` static arguments, or MalformedPermissionUpdate.
    function _arg(bytes calldata update, uint256 n, uint256 count, uint256 i) private pure returns (uint256 word) {
        if (update.length != 4 + 32 * count) revert MalformedPermissionUpdate(i);
        assembly ("memory-safe") {
            word := calldataload(add(update.offset, add(4, mul(n, 32))))
        }
    }

    function _noArgs(bytes calldata update, uint256 i) private pure {
        if (update.length != 4) revert MalformedPermissionUpdate(i);
    }

    function _boolArg(bytes calldata update, uint256 n, uint256 count, uint256 i) private pure returns (bool) {
        uint256 word = _arg(update, n, count, i);
        if (word > 1) revert MalformedPermissionUpdate(i);
        return word == 1;
    }

    function _addressArg(bytes calldata update, uint256 n, uint256 count, uint256 i) private pure returns (address) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint160).max) revert MalformedPermissionUpdate(i);
        return address(uint160(word));
    }

    /// @dev A contract an entry or limit may name: not zero, the account, this module or an EntryPoint.
    function _targetArg(bytes calldata update, uint256 n, uint256 count, uint256 i, address account)
        private
        view
        returns (address target)
    {
        target = _addressArg(update, n, count, i);
        if (_isForbiddenTarget(account, target)) revert InvalidTarget(target);
    }

    function _timestampArg(bytes calldata update, uint256 n, uint256 count, uint256 i) private pure returns (uint256) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint48).max) revert MalformedPermissionUpdate(i);
        if (word > TimeRange.MAX_TIMESTAMP) revert TimestampOutOfRange(word);
        return word;
    }

    function _limitArg(bytes calldata update, uint256 n, uint256 count, uint256 i, uint256 max)
        private
        pure
        returns (uint256)
    {
        uint256 word = _arg(update, n, count, i);
        if (word > max) revert SpendLimitTooLarge(word, max);
        return word;
    }

    function _intervalArg(bytes calldata update, uint256 n, uint256 count, uint256 i) private pure returns (uint256) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint48).max) revert MalformedPermissionUpdate(i);
        if (word > SessionKeyStorage.MASK_32) revert RefreshIntervalTooLarge(word);
        return word;
    }

    // ================================================================== reads

    /// @inheritdoc ISessionKeyModule
    function sessionKeysOf(address account) external view returns (address[] memory keys) {
        uint256 state = SessionKeyStorage.accountSlot(account).load();
        uint256 generation = state.generation();
        keys = new address[](state.keyCount());
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = address(uint160(SessionKeyStorage.keyListSlot(account, generation, i).load()));
        }
    }

    /// @inheritdoc ISessionKeyModule
    function isSessionKeyOf(address account, address sessionKey) public view returns (bool) {
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        return SessionKeyStorage.keySlot(account, generation, sessionKey).load() != 0;
    }

    /// @inheritdoc ISessionKeyModule
    function getSessionKeyInfo(address account, address sessionKey) external view returns (SessionKeyInfo memory info) {
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (, uint256 record) = _existingKey(account, generation, sessionKey);
        uint256 sessionId = record.sessionId();
        uint256 anchor = record.refreshAnchor();
        info.tag = _tag(account, record);
        info.validFrom = uint48(record.validFrom());
        info.validUntil = uint48(record.validUntil());
        info.accessListType = AccessListType(record.listType());
        info.refreshAnchor = uint48(anchor);

        uint256 native = SessionKeyStorage.nativeSlot(account, sessionId).load();
        uint256 nativeLimit = NativeSpendLimit.limit(native);
        uint256 nativeUsed = NativeSpendLimit.usedAt(native, block.timestamp);
        info.nativeTokenSpend = _status(
            record & SessionKeyStorage.FLAG_NATIVE_UNLIMITED == 0,
            nativeLimit,
            nativeUsed,
            nativeUsed >= nativeLimit ? 0 : nativeLimit - nativeUsed,
            NativeSpendLimit.refreshInterval(native),
            NativeSpendLimit.periodStart(native),
            anchor
        );

        uint256 gasLimit = GasSpendLimit.limitOf(_keyListSlot(account, generation, record).load());
        (uint256 gasUsed, uint256 gasRemaining) = GasSpendLimit.status(record, gasLimit, block.timestamp);
        info.gasSpend = _status(
            record & SessionKeyStorage.FLAG_GAS_UNLIMITED == 0,
            gasLimit,
            gasUsed,
            gasRemaining,
            GasSpendLimit.refreshInterval(record),
            GasSpendLimit.periodStart(record),
            anchor
        );
        info.requiredPaymaster = address(uint160(SessionKeyStorage.paymasterSlot(account, sessionId).load()));
    }

    /// @inheritdoc ISessionKeyModule
    function getAccessListEntry(address account, address sessionKey, address target)
        external
        view
        returns (bool isOnList, bool checkSelectors)
    {
        (, uint256 entry) = _targetEntry(account, sessionKey, target);
        return (AccessList.onList(entry), AccessList.checksSelectors(entry));
    }

    /// @inheritdoc ISessionKeyModule
    function isSelectorOnAccessList(address account, address sessionKey, address target, bytes4 selector)
        external
        view
        returns (bool)
    {
        (uint256 record, uint256 entry) = _targetEntry(account, sessionKey, target);
        return AccessList.hasSelector(account, record.sessionId(), entry, target, selector);
    }

    /// @inheritdoc ISessionKeyModule
    function getErc20SpendLimit(address account, address sessionKey, address token)
        external
        view
        returns (SpendLimitStatus memory)
    {
        (uint256 record, uint256 entry) = _targetEntry(account, sessionKey, token);
        (uint256 limit, uint256 used, uint256 remaining) =
            Erc20SpendLimit.status(account, record, entry, token, block.timestamp);
        return _status(
            Erc20SpendLimit.isLimited(entry),
            limit,
            used,
            remaining,
            Erc20SpendLimit.refreshInterval(entry),
            Erc20SpendLimit.periodStart(entry),
            record.refreshAnchor()
        );
    }

    function _targetEntry(address account, address sessionKey, address target)
        private
        view
        returns (uint256 record, uint256 entry)
    {
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (, record) = _existingKey(account, generation, sessionKey);
        entry = SessionKeyStorage.targetSlot(account, record.sessionId(), target).load();
    }

    /// @dev A limit's state now (views may read the clock; validation never does). The current period is the stored one
    /// until it ends by its own clock; then the period of now, starting no earlier than the stored one's end (see
    /// {TimeRange-narrowToBudgetPeriod}).
    function _status(
        bool hasLimit,
        uint256 limit,
        uint256 used,
        uint256 remaining,
        uint256 interval,
        uint256 storedStart,
        uint256 anchor
    ) private view returns (SpendLimitStatus memory status) {
        status.hasLimit = hasLimit;
        status.limit = limit;
        status.used = used;
        status.remaining = remaining;
        status.refreshInterval = uint48(interval);
        if (interval == 0) return status;
        uint256 storedEnd = storedStart + interval;
        if (!TimeRange.isOver(storedStart, interval, block.timestamp)) {
            status.periodStart = uint48(storedStart);
            status.nextRefresh = uint48(storedEnd);
        } else {
            (uint256 start, uint256 end) = TimeRange.period(block.timestamp, anchor, interval);
            status.periodStart = uint48(start > storedEnd ? start : storedEnd);
            status.nextRefresh = uint48(end + 1);
        }
    }
}
