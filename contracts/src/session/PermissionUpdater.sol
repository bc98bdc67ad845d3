// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "./libraries/SessionKeyStorage.sol";
import {ExecutionParser} from "./libraries/ExecutionParser.sol";
import {KeyUpdate, KeyUpdates} from "./updates/KeyUpdate.sol";
import {TimeRange} from "./permissions/TimeRange.sol";
import {AccessList} from "./permissions/AccessList.sol";
import {Erc20SpendLimit} from "./permissions/Erc20SpendLimit.sol";
import {NativeSpendLimit} from "./permissions/NativeSpendLimit.sol";
import {GasSpendLimit} from "./permissions/GasSpendLimit.sol";
import {RequiredPaymaster} from "./permissions/RequiredPaymaster.sol";
import {CallLimit} from "./permissions/CallLimit.sol";

/**
 * @title PermissionUpdater
 * @notice The session key module's key management: install and uninstall, add, remove, rotate, update and revoke-all,
 * with the parsing of permission updates. It runs only delegatecalled by {SessionKeyModule} (so in the module's
 * storage, with the account as msg.sender), never during validation: management code stays out of the validating
 * contract's runtime code (ERC-7562 is not concerned: nothing here runs in validation).
 * @dev Each permission kind applies its own updates (`applyUpdate` in `permissions/<Kind>.sol`); {_apply} asks each kind in
 * turn, so adding a kind adds one line there. The module's interface and events are {ISessionKeyModule}'s.
 */
contract PermissionUpdater {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @dev The updater's own address: code running at it was called directly, not delegatecalled by the module.
    address private immutable SELF = address(this);

    /// @notice Called directly rather than through the session key module.
    error OnlyThroughTheModule();

    modifier delegated() {
        if (address(this) == SELF) revert OnlyThroughTheModule();
        _;
    }

    modifier onlyInstalled() {
        if (!SessionKeyStorage.accountSlot(msg.sender).load().installed()) {
            revert ISessionKeyModule.NotInstalled(msg.sender);
        }
        _;
    }

    // ================================================================== install and uninstall

    /// @notice See {SessionKeyModule-onInstall}.
    function onInstall(bytes calldata data) external delegated {
        address account = msg.sender;
        uint256 slot = SessionKeyStorage.accountSlot(account);
        uint256 state = slot.load();
        if (state.installed()) revert ISessionKeyModule.ModuleAlreadyInitialized(account);
        slot.store(SessionKeyStorage.packAccountState(state.generation(), state.lastSessionId(), 0, true));
        if (data.length == 0) return;
        (address[] calldata keys, bytes32[] calldata tags, bytes[][] calldata updates) = _decodeInitData(data);
        if (keys.length != tags.length || keys.length != updates.length) {
            revert ISessionKeyModule.InitDataLengthMismatch(keys.length, tags.length, updates.length);
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
        if (data.length < 0x60) revert ISessionKeyModule.MalformedInitData();
        bool malformed;
        assembly ("memory-safe") {
            let end := add(data.offset, data.length)
            // Offsets within data cannot wrap around; anything else is not canonical anyway.
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
        if (malformed || keccak256(abi.encode(keys, tags, updates)) != keccak256(data)) {
            revert ISessionKeyModule.MalformedInitData();
        }
    }

    /// @notice See {SessionKeyModule-onUninstall}.
    function onUninstall(bytes calldata) external delegated {
        _revokeAll(msg.sender, false);
    }

    // ================================================================== keys

    /// @notice See {ISessionKeyModule-addSessionKey}.
    function addSessionKey(address sessionKey, bytes32 tag, bytes[] calldata permissionUpdates)
        external
        delegated
        onlyInstalled
    {
        // Canonical: the array right after the three head words (offset 0x60), ending calldata.
        _requireCanonicalUpdates(permissionUpdates, 4 + 0x80);
        _addSessionKey(msg.sender, sessionKey, tag, permissionUpdates);
    }

    /// @notice See {ISessionKeyModule-removeSessionKey}.
    function removeSessionKey(address sessionKey) external delegated onlyInstalled {
        address account = msg.sender;
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        uint256 generation = state.generation();
        (uint256 keySlot, uint256 record) = _existingKey(account, generation, sessionKey);

        uint256 last = state.keyCount() - 1;
        uint256 index = record.index();
        uint256 lastSlot = SessionKeyStorage.keyListSlot(account, generation, last);
        if (index != last) {
            // Swap and pop: the last key takes the removed key's place, its gas limit and target count with it.
            uint256 moved = lastSlot.load();
            SessionKeyStorage.keyListSlot(account, generation, index).store(moved);
            uint256 movedKeySlot = SessionKeyStorage.keySlot(account, generation, moved.keyOf());
            movedKeySlot.store(movedKeySlot.load().withIndex(index));
        }
        lastSlot.store(0);
        keySlot.store(0);
        accountSlot.store(SessionKeyStorage.packAccountState(generation, state.lastSessionId(), last, true));
        emit ISessionKeyModule.SessionKeyRemoved(account, sessionKey, _tag(account, record));
    }

    /// @notice See {ISessionKeyModule-rotateSessionKey}.
    function rotateSessionKey(address oldSessionKey, address newSessionKey) external delegated onlyInstalled {
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (uint256 oldSlot, uint256 record) = _existingKey(account, generation, oldSessionKey);
        uint256 newSlot = _newKeySlot(account, generation, newSessionKey);

        newSlot.store(record);
        oldSlot.store(0);
        uint256 listSlot = SessionKeyStorage.keyListSlot(account, generation, record.index());
        listSlot.store((listSlot.load() & ~SessionKeyStorage.MASK_160) | uint160(newSessionKey));
        emit ISessionKeyModule.SessionKeyRotated(account, oldSessionKey, newSessionKey, _tag(account, record));
    }

    /// @notice See {ISessionKeyModule-updateKeyPermissions}.
    function updateKeyPermissions(address sessionKey, bytes[] calldata updates) external delegated onlyInstalled {
        // Canonical: the array right after the two head words (offset 0x40), ending calldata.
        _requireCanonicalUpdates(updates, 4 + 0x60);
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        (uint256 keySlot, uint256 record) = _existingKey(account, generation, sessionKey);
        KeyUpdate memory u = KeyUpdate(account, generation, record, 0, false, false, 0);
        _applyUpdates(u, updates);
        keySlot.store(u.record);
        u.storeKeyListEntry();
        emit ISessionKeyModule.SessionKeyPermissionsUpdated(account, sessionKey, _tag(account, record), _packed(updates));
    }

    /// @notice See {ISessionKeyModule-revokeAllSessionKeys}.
    function revokeAllSessionKeys() external delegated onlyInstalled {
        _revokeAll(msg.sender, true);
    }

    function _addSessionKey(address account, address sessionKey, bytes32 tag, bytes[] calldata updates) private {
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        uint256 generation = state.generation();
        uint256 keySlot = _newKeySlot(account, generation, sessionKey);

        uint256 sessionId = state.lastSessionId() + 1;
        uint256 index = state.keyCount();
        if (sessionId > SessionKeyStorage.MAX_SESSION_ID) revert ISessionKeyModule.CounterExhausted();
        accountSlot.store(SessionKeyStorage.packAccountState(generation, sessionId, index + 1, true));
        if (tag != 0) SessionKeyStorage.tagSlot(account, sessionId).store(uint256(tag));
        // A new key starts with an empty allowlist and zero native and gas limits: it can do nothing. Its key-list
        // entry is written once, after the updates (which may set its gas limit and target count).
        KeyUpdate memory u =
            KeyUpdate(account, generation, SessionKeyStorage.newRecord(sessionId, index), uint160(sessionKey), true, true, 0);
        _applyUpdates(u, updates);
        keySlot.store(u.record);
        u.storeKeyListEntry();
        emit ISessionKeyModule.SessionKeyAdded(account, sessionKey, tag, _packed(updates));
    }

    function _revokeAll(address account, bool stayInstalled) private {
        uint256 slot = SessionKeyStorage.accountSlot(account);
        uint256 state = slot.load();
        if (stayInstalled && !state.installed()) revert ISessionKeyModule.NotInstalled(account);
        uint256 generation = state.generation() + 1;
        if (generation > SessionKeyStorage.MAX_GENERATION) revert ISessionKeyModule.CounterExhausted();
        slot.store(SessionKeyStorage.packAccountState(generation, state.lastSessionId(), 0, stayInstalled));
        emit ISessionKeyModule.AllSessionKeysRevoked(account, generation);
    }

    function _existingKey(address account, uint256 generation, address sessionKey)
        private
        view
        returns (uint256 slot, uint256 record)
    {
        slot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        record = slot.load();
        if (record == 0) revert ISessionKeyModule.SessionKeyNotFound(sessionKey);
    }

    function _newKeySlot(address account, uint256 generation, address sessionKey) private view returns (uint256 slot) {
        if (sessionKey == address(0)) revert ISessionKeyModule.InvalidSessionKey();
        slot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        if (slot.load() != 0) revert ISessionKeyModule.SessionKeyAlreadyExists(sessionKey);
    }

    function _tag(address account, uint256 record) private view returns (bytes32) {
        return bytes32(SessionKeyStorage.tagSlot(account, record.sessionId()).load());
    }

    // ================================================================== permission updates

    /// @dev Applies encoded {ISessionKeyPermissionUpdates} calls to `u` (the caller stores the record and the key-list
    /// entry). Any malformed or out-of-range update reverts the whole call, so nothing stored is ever half-updated.
    function _applyUpdates(KeyUpdate memory u, bytes[] calldata updates) private {
        // Periods are stored in 32 bits: past 2106 they could not be (the module needs a successor by then).
        if (block.timestamp > TimeRange.MAX_TIMESTAMP) revert ISessionKeyModule.TimestampOutOfRange(block.timestamp);
        // The refresh anchor first: every limit set in the same call then starts its periods from it, whatever the
        // order of the updates.
        for (uint256 i; i < updates.length; ++i) {
            u.i = i;
            TimeRange.applyAnchor(u, ExecutionParser.selectorOf(updates[i]), updates[i]);
        }
        for (uint256 i; i < updates.length; ++i) {
            u.i = i;
            _apply(u, updates[i]);
        }
    }

    /// @dev One update, applied by the kind it belongs to.
    function _apply(KeyUpdate memory u, bytes calldata update) private {
        bytes4 selector = ExecutionParser.selectorOf(update);
        uint256 now_ = block.timestamp;
        if (TimeRange.applyUpdate(u, selector, update)) return;
        if (AccessList.applyUpdate(u, selector, update)) return;
        if (Erc20SpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (NativeSpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (GasSpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (RequiredPaymaster.applyUpdate(u, selector, update)) return;
        if (CallLimit.applyUpdate(u, selector, update, now_)) return;
        revert ISessionKeyModule.UnknownPermissionUpdate(u.i, selector);
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
        if (!canonical) revert ISessionKeyModule.MalformedPermissionUpdateList();
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
}
