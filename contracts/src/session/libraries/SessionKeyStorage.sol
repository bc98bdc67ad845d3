// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title SessionKeyStorage
 * @notice Where the module keeps its state, and the two packed words read on every session op: the account's state
 * and the key's record.
 * @dev Every slot is `keccak256(account ‖ id)`, with `id = namespace (24 bits) ‖ kind (8) ‖ payload (224)`: associated
 * with the account in ERC-7562's sense (keccak(A ‖ x) + n), so validation may touch it, and one keccak per slot
 * instead of one per mapping level. The namespace (the first three bytes of keccak256("leash.session-key-module.v1"))
 * keeps ids clear of any compiler-laid-out slot, and each payload packs its fields injectively, so distinct
 * (kind, payload) pairs can only share a slot through a keccak collision.
 *
 * Layout decisions are gas decisions (DESIGN.md): a session ERC-20 transfer reads three cold slots (account state,
 * key record, the token's entry) and writes two (the token's and the gas budget's remaining amounts, both in slots it
 * read). Limits that are only needed when a period refreshes live in colder slots.
 *
 * Permissions live under a session id, not the key's address, so rotation moves one slot; ids are never reused, so a
 * removed-and-re-added key (or any key after revoke-all or uninstall) starts from defaults.
 *
 * Everything a key's permissions name is enumerable on-chain (the lens reads it in one call): the keys (key list),
 * a session's contracts (target list, its count in the key-list entry) and each contract's function entries kept
 * beyond the inline ones (selector list). The enumeration shares slots that are written anyway: a limited token's list
 * slot holds its limit, and the key-list entry (written when the key is added) holds the target count.
 */
library SessionKeyStorage {
    uint256 private constant NAMESPACE = uint256(0xdeacc3) << 232;

    /// AccountState: generation, next session id, key count, installed.
    uint256 internal constant KIND_ACCOUNT = 0;
    /// KeyRecord of a key, payload generation (32) ‖ key (160): bumping the generation invalidates every key in O(1).
    uint256 internal constant KIND_KEY = 1;
    /// Key enumeration, payload generation (32) ‖ index (24): [0,160) the key | [160,232) its gas limit
    /// ({GasSpendLimit}) | [232,256) how many contracts its session's target list holds.
    uint256 internal constant KIND_KEY_LIST = 2;
    /// Per-session contract entry, payload session id (24) ‖ contract (160): {AccessList} and {Erc20SpendLimit}.
    uint256 internal constant KIND_TARGET = 3;
    /// Kind 4 is retired (an earlier layout's per-token limit slot; the limit now lives in the target list).
    /// Per-session function entry beyond the inline ones, payload session id ‖ contract ‖ selector: its position in
    /// the contract's selector list + 1 (0: not an entry).
    uint256 internal constant KIND_SELECTOR = 5;
    /// Per-session native token budget ({NativeSpendLimit}), payload session id.
    uint256 internal constant KIND_NATIVE = 6;
    /// Per-session required paymaster, payload session id.
    uint256 internal constant KIND_PAYMASTER = 7;
    /// Per-session tag, payload session id.
    uint256 internal constant KIND_TAG = 8;
    /// Per-session op budgets of a key with FLAG_BUDGETS_SLOT: its call-count budget ({CallLimit}) and its gas budget
    /// ({GasSpendLimit}), in one slot read and written once per op. Payload session id.
    uint256 internal constant KIND_OP_BUDGETS = 9;
    /// A session's target list, payload session id (24) ‖ index (24): [0,160) a contract its permissions named (in
    /// the order first named) | [160,256) that contract's ERC-20 limit ({Erc20SpendLimit}).
    uint256 internal constant KIND_TARGET_LIST = 10;
    /// A contract's selector list (its function entries beyond the inline ones), payload session id (24) ‖ contract
    /// (160) ‖ group (40): eight selectors per slot, selector j of the group in [32j, 32j + 32).
    uint256 internal constant KIND_SELECTOR_LIST = 11;

    uint256 internal constant MASK_24 = 0xffffff;
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant MASK_160 = (1 << 160) - 1;

    // ------------------------------------------------------------------ slots

    /// @notice The slot `keccak256(account ‖ id)`.
    function slotOf(address account, uint256 id) internal pure returns (uint256 slot) {
        // Assembly: hashing from scratch space skips Solidity's memory allocation for abi.encode.
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, id)
            slot := keccak256(0x00, 0x40)
        }
    }

    function _id(uint256 kind, uint256 payload) private pure returns (uint256) {
        return NAMESPACE | (kind << 224) | payload;
    }

    function accountSlot(address account) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_ACCOUNT, 0));
    }

    function keySlot(address account, uint256 generation_, address sessionKey) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_KEY, (generation_ << 160) | uint160(sessionKey)));
    }

    function keyListSlot(address account, uint256 generation_, uint256 index_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_KEY_LIST, (generation_ << 24) | index_));
    }

    function targetSlot(address account, uint256 sessionId_, address target) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_TARGET, (sessionId_ << 160) | uint160(target)));
    }

    function targetListSlot(address account, uint256 sessionId_, uint256 index_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_TARGET_LIST, (sessionId_ << 24) | index_));
    }

    function selectorListSlot(address account, uint256 sessionId_, address target, uint256 group)
        internal
        pure
        returns (uint256)
    {
        return slotOf(account, _id(KIND_SELECTOR_LIST, (sessionId_ << 200) | (uint256(uint160(target)) << 40) | group));
    }

    function opBudgetsSlot(address account, uint256 sessionId_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_OP_BUDGETS, sessionId_));
    }

    function selectorSlot(address account, uint256 sessionId_, address target, bytes4 selector)
        internal
        pure
        returns (uint256)
    {
        return slotOf(account, _id(KIND_SELECTOR, (sessionId_ << 192) | (uint256(uint160(target)) << 32) | uint32(selector)));
    }

    function nativeSlot(address account, uint256 sessionId_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_NATIVE, sessionId_));
    }

    function paymasterSlot(address account, uint256 sessionId_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_PAYMASTER, sessionId_));
    }

    function tagSlot(address account, uint256 sessionId_) internal pure returns (uint256) {
        return slotOf(account, _id(KIND_TAG, sessionId_));
    }

    function load(uint256 slot) internal view returns (uint256 value) {
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    function store(uint256 slot, uint256 value) internal {
        assembly ("memory-safe") {
            sstore(slot, value)
        }
    }

    // ------------------------------------------------------------------ AccountState
    // [0,32) generation | [32,56) last session id (ids start at 1) | [56,80) key count | [80] installed

    uint256 internal constant MAX_GENERATION = MASK_32;
    /// Session ids (and so key indexes) fit 23 bits: the record's bit 23 is FLAG_BUDGETS_SLOT.
    uint256 internal constant MAX_SESSION_ID = (1 << 23) - 1;
    uint256 private constant INSTALLED = 1 << 80;

    function generation(uint256 state) internal pure returns (uint256) {
        return state & MASK_32;
    }

    function lastSessionId(uint256 state) internal pure returns (uint256) {
        return (state >> 32) & MASK_24;
    }

    function keyCount(uint256 state) internal pure returns (uint256) {
        return (state >> 56) & MASK_24;
    }

    function installed(uint256 state) internal pure returns (bool) {
        return state & INSTALLED != 0;
    }

    function packAccountState(uint256 generation_, uint256 lastSessionId_, uint256 keyCount_, bool installed_)
        internal
        pure
        returns (uint256)
    {
        return generation_ | (lastSessionId_ << 32) | (keyCount_ << 56) | (installed_ ? INSTALLED : 0);
    }

    // ------------------------------------------------------------------ KeyRecord
    // [0,23) session id (never 0: a zero record is no key) | [23] budgets slot | [24,48) index in the key list
    // | [48,80) validFrom | [80,112) validUntil (0: open) | [112,114) access list type | [114] native unlimited
    // | [115] gas unlimited | [116] paymaster required | [117,149) refresh anchor | [149,256) gas budget
    // ({GasSpendLimit}), unless FLAG_BUDGETS_SLOT moved it, with the call-count budget, to the op budgets slot.

    uint256 internal constant FLAG_BUDGETS_SLOT = 1 << 23;
    uint256 internal constant FLAG_NATIVE_UNLIMITED = 1 << 114;
    uint256 internal constant FLAG_GAS_UNLIMITED = 1 << 115;
    uint256 internal constant FLAG_PAYMASTER_REQUIRED = 1 << 116;

    function sessionId(uint256 record) internal pure returns (uint256) {
        return record & MAX_SESSION_ID;
    }

    function index(uint256 record) internal pure returns (uint256) {
        return (record >> 24) & MASK_24;
    }

    function validFrom(uint256 record) internal pure returns (uint256) {
        return (record >> 48) & MASK_32;
    }

    function validUntil(uint256 record) internal pure returns (uint256) {
        return (record >> 80) & MASK_32;
    }

    function listType(uint256 record) internal pure returns (uint256) {
        return (record >> 112) & 3;
    }

    function refreshAnchor(uint256 record) internal pure returns (uint256) {
        return (record >> 117) & MASK_32;
    }

    function newRecord(uint256 sessionId_, uint256 index_) internal pure returns (uint256) {
        return sessionId_ | (index_ << 24);
    }

    function withIndex(uint256 record, uint256 index_) internal pure returns (uint256) {
        return (record & ~(MASK_24 << 24)) | (index_ << 24);
    }

    function withTimeRange(uint256 record, uint256 from, uint256 until) internal pure returns (uint256) {
        return (record & ~(uint256(type(uint64).max) << 48)) | (from << 48) | (until << 80);
    }

    function withListType(uint256 record, uint256 listType_) internal pure returns (uint256) {
        return (record & ~(uint256(3) << 112)) | (listType_ << 112);
    }

    function withFlag(uint256 record, uint256 flag, bool set) internal pure returns (uint256) {
        return set ? record | flag : record & ~flag;
    }

    function withRefreshAnchor(uint256 record, uint256 anchor) internal pure returns (uint256) {
        return (record & ~(MASK_32 << 117)) | (anchor << 117);
    }

    // ------------------------------------------------------------------ key-list entry
    // [0,160) key | [160,232) gas limit in wei ({GasSpendLimit}) | [232,256) target count ({TargetList})

    uint256 internal constant MASK_72 = (1 << 72) - 1;

    function keyOf(uint256 listEntry) internal pure returns (address) {
        return address(uint160(listEntry));
    }

    function gasLimitOf(uint256 listEntry) internal pure returns (uint256) {
        return (listEntry >> 160) & MASK_72;
    }

    function withGasLimit(uint256 listEntry, uint256 limit) internal pure returns (uint256) {
        return (listEntry & ~(MASK_72 << 160)) | (limit << 160);
    }

    function targetCountOf(uint256 listEntry) internal pure returns (uint256) {
        return listEntry >> 232;
    }

    function withTargetCount(uint256 listEntry, uint256 count) internal pure returns (uint256) {
        return (listEntry & ((1 << 232) - 1)) | (count << 232);
    }
}
