// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title SessionKeyStorage
 * @notice The module's storage. Every slot it touches during validation is associated with the account (ERC-7562):
 * the account is always the innermost mapping key, so each slot is keccak256(account ‖ x) + n.
 * @dev State is packed so that a session op reads few cold slots: one per account (generation), one per key
 * (KeyRecord), one per called contract (access entry, {AccessList}) and one per budget it spends from ({SpendBudget}).
 * Permissions live under a session id, not the key's address, so rotation moves one slot; and ids are never reused,
 * so a removed-and-re-added key (or every key after revoke-all or uninstall) starts from defaults.
 */
library SessionKeyStorage {
    /// @custom:storage-location erc7201:leash.storage.SessionKeyModule
    struct Layout {
        /// Packed {AccountState}.
        mapping(address account => uint256) accountState;
        /// Packed KeyRecord of each key, per generation: bumping the generation invalidates every key in O(1).
        mapping(uint256 generation => mapping(address sessionKey => mapping(address account => uint256))) keyRecords;
        /// Enumeration: index → key, per generation (swap-and-pop on removal).
        mapping(uint256 generation => mapping(uint256 index => mapping(address account => address))) keyList;
        /// Per-session slots.
        mapping(uint256 sessionId => mapping(address account => SessionSlots)) sessions;
        /// Per-session, per-contract slots.
        mapping(uint256 sessionId => mapping(address target => mapping(address account => TargetSlots))) targets;
        /// Function entries beyond those stored inline in a contract's access entry.
        mapping(uint256 sessionId => mapping(address target => mapping(bytes4 selector => mapping(address account => bool))))
            extraSelectors;
    }

    struct SessionSlots {
        uint256 nativeBudget; // {SpendBudget}
        uint256 gasBudget; // {SpendBudget}
        address requiredPaymaster;
        bytes32 tag;
    }

    struct TargetSlots {
        uint256 accessEntry; // {AccessList}
        uint256 erc20Budget; // {SpendBudget}
    }

    // keccak256(abi.encode(uint256(keccak256("leash.storage.SessionKeyModule")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LOCATION = 0x88d81bdee3fdca5d5e584ce1653f63d864bb8b064773a9425439383e922aaf00;

    function layout() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := LOCATION
        }
    }

    // ------------------------------------------------------------------ AccountState
    // [0,32) generation | [32,64) next session id (ids start at 1) | [64,96) key count | [96] installed

    uint256 internal constant MASK_32 = 0xffffffff;

    function generation(uint256 state) internal pure returns (uint256) {
        return state & MASK_32;
    }

    function nextSessionId(uint256 state) internal pure returns (uint256) {
        return (state >> 32) & MASK_32;
    }

    function keyCount(uint256 state) internal pure returns (uint256) {
        return (state >> 64) & MASK_32;
    }

    function installed(uint256 state) internal pure returns (bool) {
        return (state >> 96) & 1 == 1;
    }

    function packAccountState(uint256 generation_, uint256 nextSessionId_, uint256 keyCount_, bool installed_)
        internal
        pure
        returns (uint256)
    {
        return generation_ | (nextSessionId_ << 32) | (keyCount_ << 64) | (installed_ ? 1 << 96 : 0);
    }

    // ------------------------------------------------------------------ KeyRecord
    // [0,32) session id (0: no key) | [32,72) validFrom | [72,112) validUntil (0: open) | [112,120) flags
    // | [120,152) native refresh interval | [152,184) gas refresh interval | [184,224) refresh anchor | [224,256) index

    uint256 internal constant FLAG_NATIVE_UNLIMITED = 1 << 2;
    uint256 internal constant FLAG_GAS_UNLIMITED = 1 << 3;
    uint256 internal constant FLAG_PAYMASTER_REQUIRED = 1 << 4;
    uint256 internal constant MASK_40 = 0xffffffffff;

    function sessionId(uint256 record) internal pure returns (uint256) {
        return record & MASK_32;
    }

    function validFrom(uint256 record) internal pure returns (uint256) {
        return (record >> 32) & MASK_40;
    }

    function validUntil(uint256 record) internal pure returns (uint256) {
        return (record >> 72) & MASK_40;
    }

    function flags(uint256 record) internal pure returns (uint256) {
        return (record >> 112) & 0xff;
    }

    /// @dev The low two flag bits are the {AccessListType}.
    function listType(uint256 record) internal pure returns (uint256) {
        return (record >> 112) & 3;
    }

    function nativeInterval(uint256 record) internal pure returns (uint256) {
        return (record >> 120) & MASK_32;
    }

    function gasInterval(uint256 record) internal pure returns (uint256) {
        return (record >> 152) & MASK_32;
    }

    function refreshAnchor(uint256 record) internal pure returns (uint256) {
        return (record >> 184) & MASK_40;
    }

    function index(uint256 record) internal pure returns (uint256) {
        return record >> 224;
    }

    function withTimeRange(uint256 record, uint256 from, uint256 until) internal pure returns (uint256) {
        return (record & ~(uint256((1 << 80) - 1) << 32)) | (from << 32) | (until << 72);
    }

    function withFlags(uint256 record, uint256 flags_) internal pure returns (uint256) {
        return (record & ~(uint256(0xff) << 112)) | (flags_ << 112);
    }

    function withNativeInterval(uint256 record, uint256 interval) internal pure returns (uint256) {
        return (record & ~(MASK_32 << 120)) | (interval << 120);
    }

    function withGasInterval(uint256 record, uint256 interval) internal pure returns (uint256) {
        return (record & ~(MASK_32 << 152)) | (interval << 152);
    }

    function withRefreshAnchor(uint256 record, uint256 anchor) internal pure returns (uint256) {
        return (record & ~(MASK_40 << 184)) | (anchor << 184);
    }

    function withIndex(uint256 record, uint256 index_) internal pure returns (uint256) {
        return (record & ~(MASK_32 << 224)) | (index_ << 224);
    }
}
