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

    /// @dev keccak256 of nothing: the EIP-712 hash of an empty array, the Permissions field of every kind not granted.
    bytes32 private constant EMPTY_ARRAY_HASH = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    /**
     * @notice The EIP-712 hash of this chain's Permissions: one array of kind structs per field, from `updates`.
     * @dev Reverts with PermissionNotGrantable for an update that is not a kind of the grant, and with
     * GrantPermissionsOutOfOrder when the updates are not grouped in the order of the fields (either for the first update
     * that breaks the order). `updates` has been checked to be canonically encoded (every element inside calldata).
     *
     * One pass: each field takes the run of updates of its kind, so each update's kind is looked up once and each field
     * hashes its own run (an empty field is the constant hash of an empty array). Assembly: the compiled Solidity loop
     * cost about 9,000 gas for the full permission set. The kind table maps each {ISessionKeyPermissionUpdates}
     * selector to its field and to the keccak256 of its struct's definition (docs/grants.md); the grant test that signs
     * every kind with forge's own EIP-712 implementation checks every row.
     */
    function permissionsHash(bytes[] calldata updates) internal pure returns (bytes32 hash) {
        bytes32 permissionsTypeHash = PERMISSIONS_TYPEHASH;
        bytes32 emptyArrayHash = EMPTY_ARRAY_HASH;
        uint256 end;
        uint256 endKind;
        assembly ("memory-safe") {
            // An update's field (21: none) and its struct's type hash, from its selector.
            function kindOf(selector) -> kind, typeHash {
                switch selector
                case 0x8f2920d8 { kind := 0 typeHash := 0xd14a953f7af44528b6db3d4110fbf58109ba7e5505c574a0cf3705aa01bc0875 }
                case 0x9e7345eb { kind := 1 typeHash := 0x3346396c611e190638df77373ea65ee05dccb1b85afb6f4f8a143a085efcc1a4 }
                case 0x0c8de002 { kind := 2 typeHash := 0xeb592699ff01ad40f3d1ad2dc99cfbfbd7849ebde06041468fa03a4ed42ada58 }
                case 0xd8985130 { kind := 3 typeHash := 0xf0caad3113229eefd56ca23394b578aaac08b676897ab774a244b489f232dd88 }
                case 0x1c98adc0 { kind := 4 typeHash := 0xe7dd04b0f7479be5c61fcddb75a3b1edbda244b964d3d7ffca1ab5d6980b4504 }
                case 0x917476fe { kind := 5 typeHash := 0xde7972762dc59d97ee1044e1dbab552e0f6f9cfa85eb8935e3f445630112f199 }
                case 0xb3a26f5c { kind := 6 typeHash := 0x87476cca19a0bef2ee41b0fa88a5c56cb3d0905d05a949088d552ad0bf5f33cc }
                case 0x300c9b67 { kind := 7 typeHash := 0x8b682d4d7cc0aef282c3d5af21e49f7eb015fac43b3151ae766ca0dd914093fc }
                case 0x585ca4a5 { kind := 8 typeHash := 0xa26534515a6997be3938a0aecd96bdd9cada598a4a56660a3aab45716241c208 }
                case 0x2f9ec580 { kind := 9 typeHash := 0x11174e28cdaa8b2be59d8cd44d43b6b81ccce2c5b4766e2f933b38a3b1cfee89 }
                case 0x35f6176a { kind := 10 typeHash := 0x533737d80289f70809f1e0a52fa3943d2b34c6da4059afc49412b176c72113aa }
                case 0xb85631d7 { kind := 11 typeHash := 0xc75762fffc9169d75bc6f9fed6688767aa94f867175f1d9c7ca289794775cc2b }
                case 0x7584bf03 { kind := 12 typeHash := 0x0b7ab0504c8b3b52837954db9ac5bf79ea64736af0cad81254a38b0e7d701fd0 }
                case 0x9cfa78c1 { kind := 13 typeHash := 0x359303d40ee03bfa43b2f12cb1e8cf7282ec86d3d3c1dd6121220007b81a7ff7 }
                case 0xf1a1151d { kind := 14 typeHash := 0x2b429e79390b81f7b2f37bb9f0eae0179f544facb1d064a105ca63c2709fcddf }
                case 0xac067e14 { kind := 15 typeHash := 0x1b62b24a8c7a8a5cc629eb6c2057b5cd5db11e0b94f20fe3afa65cf5856781c1 }
                case 0x2d2f1e88 { kind := 16 typeHash := 0xa00da6562eea3fc7c5c13db26a0ab0dcedc755b4f6943eeca0f66392fb7e9461 }
                case 0x813f6f1d { kind := 17 typeHash := 0x327183a33cb27ddbfec41b59faa17cc5496af6e5ea3244c35d2e798e1c569b51 }
                case 0xb261216b { kind := 18 typeHash := 0x5184cfab5454a1ca9f19988af6552d5203d5d04d6680fc63bb59039eeecfdcf8 }
                case 0x97c2db00 { kind := 19 typeHash := 0xf3572826cb318ecea579d786101d3b730104f427a1ec58bf38bdf49303a04b54 }
                case 0x664118a6 { kind := 20 typeHash := 0x90fb53e89b26574a23bf8d0357132db49b3439116820600e8401dec69afaaea2 }
                default { kind := 21 }
            }
            // Update i's element (its length word, then its bytes) and its kind; 21 past the last update.
            function elementAt(base, i) -> element {
                element := add(base, calldataload(add(base, shl(5, i))))
            }
            function kindAt(base, n, i) -> kind, typeHash {
                kind := 21
                if lt(i, n) {
                    let element := elementAt(base, i)
                    // Shorter than a selector: selector 0, no kind (ExecutionParser.selectorOf).
                    let selector := 0
                    if iszero(lt(calldataload(element), 4)) { selector := shr(224, calldataload(add(element, 0x20))) }
                    kind, typeHash := kindOf(selector)
                }
            }
            let base := updates.offset
            let n := updates.length
            // Free memory, not allocated: [the Permissions type hash, 21 field hashes] ‖ the element hashes (n words) ‖
            // scratch for one struct (its type hash, then its arguments).
            let words := mload(0x40)
            let elements := add(words, 0x2c0)
            let scratch := add(elements, shl(5, n))
            mstore(words, permissionsTypeHash)
            let i := 0
            let kind, typeHash := kindAt(base, n, 0)
            for { let k := 0 } lt(k, 21) { k := add(k, 1) } {
                let start := i
                for {} eq(kind, k) {} {
                    // keccak256(typeHash ‖ the update's arguments); a kind's update is at least its 4-byte selector.
                    let element := elementAt(base, i)
                    let argsLength := sub(calldataload(element), 4)
                    mstore(scratch, typeHash)
                    calldatacopy(add(scratch, 0x20), add(element, 0x24), argsLength)
                    mstore(add(elements, shl(5, i)), keccak256(scratch, add(0x20, argsLength)))
                    i := add(i, 1)
                    kind, typeHash := kindAt(base, n, i)
                }
                let fieldHash := emptyArrayHash
                if gt(i, start) { fieldHash := keccak256(add(elements, shl(5, start)), shl(5, sub(i, start))) }
                mstore(add(words, shl(5, add(k, 1))), fieldHash)
            }
            hash := keccak256(words, 0x2c0)
            end := i
            endKind := kind
        }
        if (end != updates.length) {
            // The run stopped at an update no later field took: before its predecessor's field, or in none.
            bytes4 selector = ExecutionParser.selectorOf(updates[end]);
            if (endKind == KINDS) revert ISessionKeyModule.PermissionNotGrantable(end, selector);
            revert ISessionKeyModule.GrantPermissionsOutOfOrder(end);
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
}
