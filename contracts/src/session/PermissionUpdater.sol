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
import {GrantHash, GrantHead} from "./grants/GrantHash.sol";
import {GrantNonces} from "./grants/GrantNonces.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {CallPolicyUpdater} from "./CallPolicyUpdater.sol";

/**
 * @title PermissionUpdater
 * @notice The session key module's key management: install and uninstall, add, remove, rotate, update and revoke-all,
 * with the parsing of permission updates; and the registration of a key from its owner's signed grant. It runs only delegatecalled by {SessionKeyModule} (so in the module's
 * storage, with the account as msg.sender): management code stays out of the validating contract's runtime code. Only
 * {enableGrantedKey} runs during validation (a key's first op carrying a grant), so everything it reaches follows
 * ERC-7562: no clock (the op's stated time stands for "now"), only the account's own storage in the module, and the
 * account's ERC-1271.
 * @dev Each permission kind applies its own updates (`applyUpdate` in `permissions/<Kind>.sol`); {_apply} asks each kind in
 * turn, so adding a kind adds one line there. The module's interface and events are {ISessionKeyModule}'s.
 */
contract PermissionUpdater {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    /// @dev The updater's own address: code running at it was called directly, not delegatecalled by the module.
    address private immutable SELF = address(this);

    /// @notice Where the call-policy updates are applied (delegatecalled): {CallPolicyUpdater}.
    address public immutable CALL_POLICY_UPDATER;

    /// @param callPolicyUpdater The {CallPolicyUpdater} this updater delegates call-policy updates to.
    constructor(address callPolicyUpdater) {
        CALL_POLICY_UPDATER = callPolicyUpdater;
    }

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
        slot.store(state.withCounts(state.lastSessionId(), 0));
        if (data.length == 0) return;
        (address[] calldata keys, bytes32[] calldata tags, bytes[][] calldata updates) = _decodeInitData(data);
        if (keys.length != tags.length || keys.length != updates.length) {
            revert ISessionKeyModule.InitDataLengthMismatch(keys.length, tags.length, updates.length);
        }
        for (uint256 i; i < keys.length; ++i) {
            _addSessionKey(account, keys[i], tags[i], updates[i], block.timestamp);
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
        _addSessionKey(msg.sender, sessionKey, tag, permissionUpdates, block.timestamp);
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
        accountSlot.store(state.withCounts(state.lastSessionId(), last));
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
        _applyUpdates(u, updates, block.timestamp);
        keySlot.store(u.record);
        u.storeKeyListEntry();
        emit ISessionKeyModule.SessionKeyPermissionsUpdated(account, sessionKey, _tag(account, record), _packed(updates));
    }

    /// @notice See {ISessionKeyModule-revokeAllSessionKeys}.
    function revokeAllSessionKeys() external delegated onlyInstalled {
        _revokeAll(msg.sender, true);
    }

    /// @dev `now_`: the time the key is added (the block's, or a grant's stated time during validation).
    function _addSessionKey(address account, address sessionKey, bytes32 tag, bytes[] calldata updates, uint256 now_)
        private
    {
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        uint256 generation = state.generation();
        uint256 keySlot = _newKeySlot(account, generation, sessionKey);

        uint256 sessionId = state.lastSessionId() + 1;
        uint256 index = state.keyCount();
        if (sessionId > SessionKeyStorage.MAX_SESSION_ID) revert ISessionKeyModule.CounterExhausted();
        accountSlot.store(state.withCounts(sessionId, index + 1));
        if (tag != 0) SessionKeyStorage.tagSlot(account, sessionId).store(uint256(tag));
        // A new key starts with an empty allowlist and zero native and gas limits: it can do nothing. Its refresh anchor
        // is the time it is added (`now_`: the block's, or a grant's stated time), so "100 per week" means a week from
        // then (a setRefreshAnchor among the updates still overrides it). Its key-list entry is written once, after the
        // updates (which may set its gas limit and target count). _applyUpdates refuses a `now_` past 32 bits before
        // anything is stored.
        uint256 record = SessionKeyStorage.newRecord(sessionId, index).withRefreshAnchor(now_);
        KeyUpdate memory u = KeyUpdate(account, generation, record, uint160(sessionKey), true, true, 0);
        _applyUpdates(u, updates, now_);
        keySlot.store(u.record);
        u.storeKeyListEntry();
        emit ISessionKeyModule.SessionKeyAdded(account, sessionKey, tag, _packed(updates));
    }

    // ================================================================== grants

    /**
     * @notice Registers the key an owner's grant names, during validation of the key's first op (docs/grants.md). Only
     * reachable through {SessionKeyModule-validateUserOp}, which passes the op signature's grant part as this call's
     * arguments and then validates the op as the key's.
     * @param g The grant's fixed fields; its stated time stands for "now".
     * @param ownerSignature What the account's ERC-1271 `isValidSignature` accepts from its owner for the grant.
     * @param chainHashes Every chain's ChainGrant hash, this chain's left zero (computed here).
     * @param updates This chain's permission updates, grouped in the order of the Permissions fields.
     * @return sessionKey The key the grant names (the op must be signed by it).
     * @return validUntil The grant's deadline (0: none), which bounds the op's window.
     */
    function enableGrantedKey(
        GrantHead calldata g,
        bytes calldata ownerSignature,
        bytes32[] calldata chainHashes,
        bytes[] calldata updates
    ) external delegated returns (address, uint256) {
        _requireCanonicalGrant(ownerSignature, chainHashes, g.chainIndex, updates);
        address account = g.account;
        if (account != msg.sender) revert ISessionKeyModule.GrantForAnotherAccount(account);
        if (g.chainId != block.chainid) revert ISessionKeyModule.GrantForAnotherChain(g.chainId);
        if (g.keyType != 0) revert ISessionKeyModule.UnsupportedKeyType(g.keyType);
        uint256 statedTime = g.statedTime;
        uint256 validUntil = g.validUntil;
        if (validUntil != 0 && statedTime > validUntil) revert ISessionKeyModule.GrantExpired(validUntil, statedTime);
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        uint256 state = accountSlot.load();
        if (!state.installed()) revert ISessionKeyModule.NotInstalled(account);
        if (g.generation != state.generation()) revert ISessionKeyModule.GrantRevoked(g.generation, state.generation());
        GrantNonces.use(account, accountSlot, state, g.nonce);

        bytes32 own = GrantHash.chainGrantHash(g.chainId, g.generation, GrantHash.permissionsHash(updates));
        if (!_ownerSigned(account, GrantHash.digest(g, chainHashes, own), ownerSignature)) {
            revert ISessionKeyModule.InvalidGrantSignature();
        }
        address sessionKey = g.sessionKey;
        _addSessionKey(account, sessionKey, g.tag, updates, statedTime);
        emit ISessionKeyModule.SessionKeyGrantUsed(account, sessionKey, g.nonce);
        return (sessionKey, validUntil);
    }

    /// @dev The account's ERC-1271 answer. A high-level call, not OpenZeppelin's SignatureChecker: its assembly puts stack
    /// shuffles between GAS and STATICCALL once compiled via-IR, which ERC-7562 bans in validation (OP-012); a
    /// high-level call keeps GAS right before the call (as {AccessList}'s `isModuleInstalled` check does).
    function _ownerSigned(address account, bytes32 digest, bytes calldata signature) private view returns (bool) {
        try IERC1271(account).isValidSignature(digest, signature) returns (bytes4 magic) {
            return magic == IERC1271.isValidSignature.selector;
        } catch {
            return false;
        }
    }

    /// @notice See {ISessionKeyModule-cancelSessionKeyGrant}.
    function cancelSessionKeyGrant(uint64 nonce) external delegated onlyInstalled {
        address account = msg.sender;
        uint256 accountSlot = SessionKeyStorage.accountSlot(account);
        GrantNonces.cancel(account, accountSlot, accountSlot.load(), nonce);
        emit ISessionKeyModule.SessionKeyGrantCancelled(account, nonce);
    }

    /**
     * @dev One reading of the grant: its dynamic arguments at the offsets `abi.encode` gives them (each right after the
     * previous), zero-padded, the updates canonical and ending calldata; between 1 and 64 chains, this chain's entry
     * left zero.
     */
    function _requireCanonicalGrant(
        bytes calldata ownerSignature,
        bytes32[] calldata chainHashes,
        uint256 chainIndex,
        bytes[] calldata updates
    ) private pure {
        uint256 signatureAt;
        uint256 chainHashesAt;
        assembly ("memory-safe") {
            signatureAt := ownerSignature.offset
            chainHashesAt := chainHashes.offset
        }
        // selector, 13 head words, the signature's length word.
        uint256 expected = 4 + 13 * 0x20 + 0x20;
        bool canonical = signatureAt == expected;
        expected += ((ownerSignature.length + 31) & ~uint256(31)) + 0x20;
        canonical = canonical && chainHashesAt == expected;
        uint256 chains = chainHashes.length;
        canonical = canonical && chains != 0 && chains <= GrantHash.MAX_CHAINS && chainIndex < chains;
        if (!canonical || chainHashes[chainIndex] != 0) revert ISessionKeyModule.MalformedGrant();
        _requireCanonicalUpdates(updates, expected + chains * 0x20 + 0x20);
        // Zero padding after the signature and after each update, as abi.encode writes it: no byte of the grant part can
        // change without changing what it means (its offsets and lengths are checked above).
        bool dirty;
        assembly ("memory-safe") {
            function paddingOf(start, length) -> bits {
                let rest := and(length, 31)
                if rest { bits := shl(shl(3, rest), calldataload(add(start, sub(length, rest)))) }
            }
            dirty := paddingOf(ownerSignature.offset, ownerSignature.length)
            for { let i := 0 } lt(i, updates.length) { i := add(i, 1) } {
                let element := add(updates.offset, calldataload(add(updates.offset, shl(5, i))))
                dirty := or(dirty, paddingOf(add(element, 0x20), calldataload(element)))
            }
        }
        if (dirty) revert ISessionKeyModule.MalformedGrant();
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
    function _applyUpdates(KeyUpdate memory u, bytes[] calldata updates, uint256 now_) private {
        // Periods are stored in 32 bits: past 2106 they could not be (the module needs a successor by then).
        if (now_ > TimeRange.MAX_TIMESTAMP) revert ISessionKeyModule.TimestampOutOfRange(now_);
        // The refresh anchor first: every limit set in the same call then starts its periods from it, whatever the
        // order of the updates.
        for (uint256 i; i < updates.length; ++i) {
            u.i = i;
            TimeRange.applyAnchor(u, ExecutionParser.selectorOf(updates[i]), updates[i]);
        }
        for (uint256 i; i < updates.length; ++i) {
            u.i = i;
            _apply(u, updates[i], now_);
        }
    }

    /// @dev One update, applied by the kind it belongs to.
    function _apply(KeyUpdate memory u, bytes calldata update, uint256 now_) private {
        bytes4 selector = ExecutionParser.selectorOf(update);
        if (TimeRange.applyUpdate(u, selector, update)) return;
        if (AccessList.applyUpdate(u, selector, update)) return;
        if (Erc20SpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (NativeSpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (GasSpendLimit.applyUpdate(u, selector, update, now_)) return;
        if (RequiredPaymaster.applyUpdate(u, selector, update)) return;
        if (CallLimit.applyUpdate(u, selector, update, now_)) return;
        _applyCallPolicyUpdate(u, update, now_);
    }

    /// @dev Any other update: applied by {CallPolicyUpdater} (delegatecalled, so in this storage), which returns `u`
    /// changed, or reverts (UnknownPermissionUpdate for an update no kind handles).
    function _applyCallPolicyUpdate(KeyUpdate memory u, bytes calldata update, uint256 now_) private {
        (bool ok, bytes memory result) =
            CALL_POLICY_UPDATER.delegatecall(abi.encodeCall(CallPolicyUpdater.applyCallPolicyUpdate, (u, update, now_)));
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        KeyUpdate memory changed = abi.decode(result, (KeyUpdate));
        u.record = changed.record;
        u.listEntry = changed.listEntry;
        u.listEntryLoaded = changed.listEntryLoaded;
        u.listEntryChanged = changed.listEntryChanged;
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
