// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {ExecutionParser} from "../libraries/ExecutionParser.sol";

/// @notice A grant's fixed fields as the key's first op carries them (docs/grants.md): a static struct, so its ABI
/// encoding is its fields' words in place, the same as passing them one by one.
struct GrantHead {
    /// The op's stated time (equal to its signature's), which stands for "now" when the key is added.
    uint256 statedTime;
    address account;
    address sessionKey;
    uint8 keyType;
    bytes32 tag;
    uint64 nonce;
    /// The last time the grant may be used (0: none).
    uint48 validUntil;
    /// The chain this part of the grant is for.
    uint256 chainId;
    /// The account's key generation on that chain when the owner signed.
    uint32 generation;
    /// This chain's position in the grant's chains.
    uint256 chainIndex;
}

/**
 * @title GrantHash
 * @notice The EIP-712 digest of a session key grant (docs/grants.md), computed from what the key's first op carries:
 * the grant's fields, this chain's permission updates, and the other chains' ChainGrant hashes.
 * @dev Each permission kind is a struct with exactly the arguments of the {ISessionKeyPermissionUpdates} function it
 * stands for, so an update's EIP-712 hash is `keccak256(typeHash ‖ update[4:])`: the module hashes the very bytes it
 * then applies, and a wallet shows the same values as named fields. The Permissions struct holds one array per kind,
 * so the updates must come grouped in the order of its fields.
 *
 * Domain: name "Leash Session Key Grant", version "1", the module as verifying contract, and no chain id: the module
 * has one CREATE2 address on every chain, and a grant names its chains itself.
 */
library GrantHash {
    /// @notice How many permission kinds a grant holds (the Permissions struct's fields).
    uint256 internal constant KINDS = 21;
    /// @notice At most this many chains in one grant: bounds the proof every chain carries.
    uint256 internal constant MAX_CHAINS = 64;

    bytes32 private constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(string name,string version,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("Leash Session Key Grant");
    bytes32 private constant VERSION_HASH = keccak256("1");

    bytes32 internal constant PERMISSIONS_TYPEHASH = keccak256(
        "Permissions(AccessListType[] accessListType,ContractAccess[] contracts,FunctionAccess[] functions,TimeRange[] timeRange,RefreshAnchor[] refreshAnchor,Erc20Limit[] erc20Limits,NativeTokenLimit[] nativeTokenLimit,UnlimitedNativeToken[] unlimitedNativeToken,GasLimit[] gasLimit,UnlimitedGas[] unlimitedGas,CallLimit[] callLimit,RequiredPaymaster[] requiredPaymaster,ArgumentCondition[] argumentConditions,ArgumentOneOf[] argumentOneOf,NoArgumentConditions[] noArgumentConditions,ArgumentLimit[] argumentLimits,NoArgumentLimit[] noArgumentLimits,FunctionCallLimit[] functionCallLimits,UnlimitedFunctionCalls[] unlimitedFunctionCalls,MaxValuePerCall[] maxValuePerCall,UnlimitedValuePerCall[] unlimitedValuePerCall)"
        "AccessListType(uint8 listType)"
        "ArgumentCondition(address target,bytes4 selector,uint8 argIndex,uint8 operator,bytes32 value)"
        "ArgumentLimit(address target,bytes4 selector,uint8 argIndex,uint256 spendLimit,uint48 refreshInterval)"
        "ArgumentOneOf(address target,bytes4 selector,uint8 argIndex,bytes32 value)"
        "CallLimit(uint256 callLimit,uint48 refreshInterval)"
        "ContractAccess(address target,bool isOnList,bool checkSelectors)"
        "Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)"
        "FunctionAccess(address target,bytes4 selector,bool isOnList)"
        "FunctionCallLimit(address target,bytes4 selector,uint256 callLimit,uint48 refreshInterval)"
        "GasLimit(uint256 spendLimit,uint48 refreshInterval)"
        "MaxValuePerCall(uint256 maxValue)"
        "NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)"
        "NoArgumentConditions(address target,bytes4 selector)"
        "NoArgumentLimit(address target,bytes4 selector,uint8 argIndex)"
        "RefreshAnchor(uint48 anchor)"
        "RequiredPaymaster(address paymaster)"
        "TimeRange(uint48 validFrom,uint48 validUntil)"
        "UnlimitedFunctionCalls(address target,bytes4 selector)"
        "UnlimitedGas()"
        "UnlimitedNativeToken()"
        "UnlimitedValuePerCall()"
    );
    bytes32 internal constant CHAIN_GRANT_TYPEHASH = keccak256(
        "ChainGrant(uint256 chainId,uint32 generation,Permissions permissions)"
        "AccessListType(uint8 listType)"
        "ArgumentCondition(address target,bytes4 selector,uint8 argIndex,uint8 operator,bytes32 value)"
        "ArgumentLimit(address target,bytes4 selector,uint8 argIndex,uint256 spendLimit,uint48 refreshInterval)"
        "ArgumentOneOf(address target,bytes4 selector,uint8 argIndex,bytes32 value)"
        "CallLimit(uint256 callLimit,uint48 refreshInterval)"
        "ContractAccess(address target,bool isOnList,bool checkSelectors)"
        "Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)"
        "FunctionAccess(address target,bytes4 selector,bool isOnList)"
        "FunctionCallLimit(address target,bytes4 selector,uint256 callLimit,uint48 refreshInterval)"
        "GasLimit(uint256 spendLimit,uint48 refreshInterval)"
        "MaxValuePerCall(uint256 maxValue)"
        "NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)"
        "NoArgumentConditions(address target,bytes4 selector)"
        "NoArgumentLimit(address target,bytes4 selector,uint8 argIndex)"
        "Permissions(AccessListType[] accessListType,ContractAccess[] contracts,FunctionAccess[] functions,TimeRange[] timeRange,RefreshAnchor[] refreshAnchor,Erc20Limit[] erc20Limits,NativeTokenLimit[] nativeTokenLimit,UnlimitedNativeToken[] unlimitedNativeToken,GasLimit[] gasLimit,UnlimitedGas[] unlimitedGas,CallLimit[] callLimit,RequiredPaymaster[] requiredPaymaster,ArgumentCondition[] argumentConditions,ArgumentOneOf[] argumentOneOf,NoArgumentConditions[] noArgumentConditions,ArgumentLimit[] argumentLimits,NoArgumentLimit[] noArgumentLimits,FunctionCallLimit[] functionCallLimits,UnlimitedFunctionCalls[] unlimitedFunctionCalls,MaxValuePerCall[] maxValuePerCall,UnlimitedValuePerCall[] unlimitedValuePerCall)"
        "RefreshAnchor(uint48 anchor)"
        "RequiredPaymaster(address paymaster)"
        "TimeRange(uint48 validFrom,uint48 validUntil)"
        "UnlimitedFunctionCalls(address target,bytes4 selector)"
        "UnlimitedGas()"
        "UnlimitedNativeToken()"
        "UnlimitedValuePerCall()"
    );
    bytes32 internal constant GRANT_TYPEHASH = keccak256(
        "SessionKeyGrant(address account,address sessionKey,uint8 keyType,bytes32 tag,uint64 nonce,uint48 validUntil,ChainGrant[] chains)"
        "AccessListType(uint8 listType)"
        "ArgumentCondition(address target,bytes4 selector,uint8 argIndex,uint8 operator,bytes32 value)"
        "ArgumentLimit(address target,bytes4 selector,uint8 argIndex,uint256 spendLimit,uint48 refreshInterval)"
        "ArgumentOneOf(address target,bytes4 selector,uint8 argIndex,bytes32 value)"
        "CallLimit(uint256 callLimit,uint48 refreshInterval)"
        "ChainGrant(uint256 chainId,uint32 generation,Permissions permissions)"
        "ContractAccess(address target,bool isOnList,bool checkSelectors)"
        "Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)"
        "FunctionAccess(address target,bytes4 selector,bool isOnList)"
        "FunctionCallLimit(address target,bytes4 selector,uint256 callLimit,uint48 refreshInterval)"
        "GasLimit(uint256 spendLimit,uint48 refreshInterval)"
        "MaxValuePerCall(uint256 maxValue)"
        "NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)"
        "NoArgumentConditions(address target,bytes4 selector)"
        "NoArgumentLimit(address target,bytes4 selector,uint8 argIndex)"
        "Permissions(AccessListType[] accessListType,ContractAccess[] contracts,FunctionAccess[] functions,TimeRange[] timeRange,RefreshAnchor[] refreshAnchor,Erc20Limit[] erc20Limits,NativeTokenLimit[] nativeTokenLimit,UnlimitedNativeToken[] unlimitedNativeToken,GasLimit[] gasLimit,UnlimitedGas[] unlimitedGas,CallLimit[] callLimit,RequiredPaymaster[] requiredPaymaster,ArgumentCondition[] argumentConditions,ArgumentOneOf[] argumentOneOf,NoArgumentConditions[] noArgumentConditions,ArgumentLimit[] argumentLimits,NoArgumentLimit[] noArgumentLimits,FunctionCallLimit[] functionCallLimits,UnlimitedFunctionCalls[] unlimitedFunctionCalls,MaxValuePerCall[] maxValuePerCall,UnlimitedValuePerCall[] unlimitedValuePerCall)"
        "RefreshAnchor(uint48 anchor)"
        "RequiredPaymaster(address paymaster)"
        "TimeRange(uint48 validFrom,uint48 validUntil)"
        "UnlimitedFunctionCalls(address target,bytes4 selector)"
        "UnlimitedGas()"
        "UnlimitedNativeToken()"
        "UnlimitedValuePerCall()"
    );

    /**
     * @notice The EIP-712 hash of this chain's Permissions: one array of kind structs per field, from `updates`.
     * @dev Reverts with PermissionNotGrantable for an update that is not a kind of the grant, and with
     * GrantPermissionsOutOfOrder when the updates are not grouped in the order of the fields. `updates` has been checked
     * to be canonically encoded (every element inside calldata).
     */
    function permissionsHash(bytes[] calldata updates) internal pure returns (bytes32 hash) {
        uint256 n = updates.length;
        bytes32[] memory elements = new bytes32[](n);
        uint256[KINDS] memory counts;
        uint256 previous;
        for (uint256 i; i < n; ++i) {
            bytes calldata update = updates[i];
            bytes4 selector = ExecutionParser.selectorOf(update);
            (uint256 kind, bytes32 typeHash) = _kindOf(selector);
            if (kind == KINDS) revert ISessionKeyModule.PermissionNotGrantable(i, selector);
            if (kind < previous) revert ISessionKeyModule.GrantPermissionsOutOfOrder(i);
            previous = kind;
            ++counts[kind];
            elements[i] = _structHash(typeHash, update);
        }
        // keccak256(PERMISSIONS_TYPEHASH ‖ keccak256(each field's element hashes)), fields in order.
        bytes32[KINDS + 1] memory words;
        words[0] = PERMISSIONS_TYPEHASH;
        uint256 start;
        for (uint256 k; k < KINDS; ++k) {
            uint256 count = counts[k];
            bytes32 fieldHash;
            assembly ("memory-safe") {
                fieldHash := keccak256(add(add(elements, 0x20), shl(5, start)), shl(5, count))
            }
            words[k + 1] = fieldHash;
            start += count;
        }
        assembly ("memory-safe") {
            hash := keccak256(words, mul(0x20, add(KINDS, 1)))
        }
    }

    /// @notice The EIP-712 hash of a ChainGrant.
    function chainGrantHash(uint256 chainId, uint256 generation, bytes32 permissions) internal pure returns (bytes32) {
        return keccak256(abi.encode(CHAIN_GRANT_TYPEHASH, chainId, generation, permissions));
    }

    /**
     * @notice The digest the owner signed: EIP-712 over the grant, its chains' hashes being `chainHashes` with this
     * chain's (`own`) at `chainIndex`.
     */
    function digest(GrantHead calldata g, bytes32[] calldata chainHashes, bytes32 own) internal view returns (bytes32) {
        bytes32[] memory chains = chainHashes;
        chains[g.chainIndex] = own;
        bytes32 chainsHash = keccak256(abi.encodePacked(chains));
        bytes32 grantHash = keccak256(
            abi.encode(GRANT_TYPEHASH, g.account, g.sessionKey, g.keyType, g.tag, g.nonce, g.validUntil, chainsHash)
        );
        bytes32 domainSeparator = keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, address(this)));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator, grantHash));
    }

    /// @dev `keccak256(typeHash ‖ update's arguments)`.
    function _structHash(bytes32 typeHash, bytes calldata update) private pure returns (bytes32 hash) {
        // Assembly: hashes from free memory without allocating, once per update.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            let length := sub(update.length, 4)
            calldatacopy(add(ptr, 0x20), add(update.offset, 4), length)
            hash := keccak256(ptr, add(0x20, length))
        }
    }

    /// @dev The field an update belongs to and its struct's type hash; KINDS for an update a grant cannot hold.
    function _kindOf(bytes4 selector) private pure returns (uint256, bytes32) {
        if (selector == ISessionKeyPermissionUpdates.setAccessListType.selector) return (0, keccak256("AccessListType(uint8 listType)"));
        if (selector == ISessionKeyPermissionUpdates.updateAccessListAddressEntry.selector) return (1, keccak256("ContractAccess(address target,bool isOnList,bool checkSelectors)"));
        if (selector == ISessionKeyPermissionUpdates.updateAccessListFunctionEntry.selector) return (2, keccak256("FunctionAccess(address target,bytes4 selector,bool isOnList)"));
        if (selector == ISessionKeyPermissionUpdates.setTimeRange.selector) return (3, keccak256("TimeRange(uint48 validFrom,uint48 validUntil)"));
        if (selector == ISessionKeyPermissionUpdates.setRefreshAnchor.selector) return (4, keccak256("RefreshAnchor(uint48 anchor)"));
        if (selector == ISessionKeyPermissionUpdates.setErc20SpendLimit.selector) return (5, keccak256("Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.setNativeTokenSpendLimit.selector) return (6, keccak256("NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.removeNativeTokenSpendLimit.selector) return (7, keccak256("UnlimitedNativeToken()"));
        if (selector == ISessionKeyPermissionUpdates.setGasSpendLimit.selector) return (8, keccak256("GasLimit(uint256 spendLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.removeGasSpendLimit.selector) return (9, keccak256("UnlimitedGas()"));
        if (selector == ISessionKeyPermissionUpdates.setCallLimit.selector) return (10, keccak256("CallLimit(uint256 callLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.setRequiredPaymaster.selector) return (11, keccak256("RequiredPaymaster(address paymaster)"));
        if (selector == ISessionKeyPermissionUpdates.addArgumentCondition.selector) return (12, keccak256("ArgumentCondition(address target,bytes4 selector,uint8 argIndex,uint8 operator,bytes32 value)"));
        if (selector == ISessionKeyPermissionUpdates.addArgumentOneOf.selector) return (13, keccak256("ArgumentOneOf(address target,bytes4 selector,uint8 argIndex,bytes32 value)"));
        if (selector == ISessionKeyPermissionUpdates.removeArgumentConditions.selector) return (14, keccak256("NoArgumentConditions(address target,bytes4 selector)"));
        if (selector == ISessionKeyPermissionUpdates.setArgumentSpendLimit.selector) return (15, keccak256("ArgumentLimit(address target,bytes4 selector,uint8 argIndex,uint256 spendLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.removeArgumentSpendLimit.selector) return (16, keccak256("NoArgumentLimit(address target,bytes4 selector,uint8 argIndex)"));
        if (selector == ISessionKeyPermissionUpdates.setFunctionCallLimit.selector) return (17, keccak256("FunctionCallLimit(address target,bytes4 selector,uint256 callLimit,uint48 refreshInterval)"));
        if (selector == ISessionKeyPermissionUpdates.removeFunctionCallLimit.selector) return (18, keccak256("UnlimitedFunctionCalls(address target,bytes4 selector)"));
        if (selector == ISessionKeyPermissionUpdates.setMaxValuePerCall.selector) return (19, keccak256("MaxValuePerCall(uint256 maxValue)"));
        if (selector == ISessionKeyPermissionUpdates.removeMaxValuePerCall.selector) return (20, keccak256("UnlimitedValuePerCall()"));
        return (KINDS, 0);
    }
}
