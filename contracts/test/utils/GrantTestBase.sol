// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyTestBase} from "./SessionKeyTestBase.sol";

/// @dev A grant's fixed fields, in the order the op carries them (docs/grants.md).
struct GrantHeadT {
    uint256 statedTime;
    address account;
    address sessionKey;
    uint8 keyType;
    bytes32 tag;
    uint64 nonce;
    uint48 validUntil;
    uint256 chainId;
    uint32 generation;
    uint256 chainIndex;
}

/// @dev One chain's part of a grant.
struct ChainPartT {
    uint256 chainId;
    uint32 generation;
    bytes[] updates;
}

/// @dev What the owner signs.
struct GrantT {
    address account;
    address sessionKey;
    uint8 keyType;
    bytes32 tag;
    uint64 nonce;
    uint48 validUntil;
    ChainPartT[] chains;
}

/**
 * @dev Builds session key grants, signs them as the owner, and carries them in a key's first op. The digest the owner
 * signs comes from forge's own EIP-712 implementation (`vm.eip712HashTypedData` on the typed data as JSON, as a wallet
 * would receive it), independent of the module's hashing; the other chains' ChainGrant hashes an op carries are
 * computed here the textbook way (abi.encode of each struct), so a mismatch anywhere fails the owner's signature.
 */
abstract contract GrantTestBase is SessionKeyTestBase {
    function _grantTypes() internal pure returns (string memory) {
        // Adjacent literals: one string, no runtime concatenation.
        return
            '{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},'
            '{"name":"verifyingContract","type":"address"}],'
            '"SessionKeyGrant":[{"name":"account","type":"address"},{"name":"sessionKey","type":"address"},'
            '{"name":"keyType","type":"uint8"},{"name":"tag","type":"bytes32"},{"name":"nonce","type":"uint64"},'
            '{"name":"validUntil","type":"uint48"},{"name":"chains","type":"ChainGrant[]"}],'
            '"ChainGrant":[{"name":"chainId","type":"uint256"},{"name":"generation","type":"uint32"},'
            '{"name":"permissions","type":"Permissions"}],'
            '"Permissions":[{"name":"accessListType","type":"AccessListType[]"},'
            '{"name":"contracts","type":"ContractAccess[]"},{"name":"functions","type":"FunctionAccess[]"},'
            '{"name":"timeRange","type":"TimeRange[]"},{"name":"refreshAnchor","type":"RefreshAnchor[]"},'
            '{"name":"erc20Limits","type":"Erc20Limit[]"},{"name":"nativeTokenLimit","type":"NativeTokenLimit[]"},'
            '{"name":"unlimitedNativeToken","type":"UnlimitedNativeToken[]"},{"name":"gasLimit","type":"GasLimit[]"},'
            '{"name":"unlimitedGas","type":"UnlimitedGas[]"},{"name":"callLimit","type":"CallLimit[]"},'
            '{"name":"requiredPaymaster","type":"RequiredPaymaster[]"},'
            '{"name":"argumentConditions","type":"ArgumentCondition[]"},{"name":"argumentOneOf","type":"ArgumentOneOf[]"},'
            '{"name":"noArgumentConditions","type":"NoArgumentConditions[]"},'
            '{"name":"argumentLimits","type":"ArgumentLimit[]"},{"name":"noArgumentLimits","type":"NoArgumentLimit[]"},'
            '{"name":"functionCallLimits","type":"FunctionCallLimit[]"},'
            '{"name":"unlimitedFunctionCalls","type":"UnlimitedFunctionCalls[]"},'
            '{"name":"maxValuePerCall","type":"MaxValuePerCall[]"},'
            '{"name":"unlimitedValuePerCall","type":"UnlimitedValuePerCall[]"}],'
            '"AccessListType":[{"name":"listType","type":"uint8"}],'
            '"ContractAccess":[{"name":"target","type":"address"},{"name":"isOnList","type":"bool"},'
            '{"name":"checkSelectors","type":"bool"}],'
            '"FunctionAccess":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"isOnList","type":"bool"}],'
            '"TimeRange":[{"name":"validFrom","type":"uint48"},{"name":"validUntil","type":"uint48"}],'
            '"RefreshAnchor":[{"name":"anchor","type":"uint48"}],'
            '"Erc20Limit":[{"name":"token","type":"address"},{"name":"spendLimit","type":"uint256"},'
            '{"name":"refreshInterval","type":"uint48"}],'
            '"NativeTokenLimit":[{"name":"spendLimit","type":"uint256"},{"name":"refreshInterval","type":"uint48"}],'
            '"UnlimitedNativeToken":[],'
            '"GasLimit":[{"name":"spendLimit","type":"uint256"},{"name":"refreshInterval","type":"uint48"}],'
            '"UnlimitedGas":[],'
            '"CallLimit":[{"name":"callLimit","type":"uint256"},{"name":"refreshInterval","type":"uint48"}],'
            '"RequiredPaymaster":[{"name":"paymaster","type":"address"}],'
            '"ArgumentCondition":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"argIndex","type":"uint8"},{"name":"operator","type":"uint8"},{"name":"value","type":"bytes32"}],'
            '"ArgumentOneOf":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"argIndex","type":"uint8"},{"name":"value","type":"bytes32"}],'
            '"NoArgumentConditions":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"}],'
            '"ArgumentLimit":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"argIndex","type":"uint8"},{"name":"spendLimit","type":"uint256"},'
            '{"name":"refreshInterval","type":"uint48"}],'
            '"NoArgumentLimit":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"argIndex","type":"uint8"}],'
            '"FunctionCallLimit":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"},'
            '{"name":"callLimit","type":"uint256"},{"name":"refreshInterval","type":"uint48"}],'
            '"UnlimitedFunctionCalls":[{"name":"target","type":"address"},{"name":"selector","type":"bytes4"}],'
            '"MaxValuePerCall":[{"name":"maxValue","type":"uint256"}],'
            '"UnlimitedValuePerCall":[]}';
    }

    /// @dev The Permissions fields, in order, and the update each stands for.
    uint256 internal constant FIELDS = 21;

    function _fieldSelectors() internal pure returns (bytes4[FIELDS] memory s) {
        s = [
            Updates.setAccessListType.selector,
            Updates.updateAccessListAddressEntry.selector,
            Updates.updateAccessListFunctionEntry.selector,
            Updates.setTimeRange.selector,
            Updates.setRefreshAnchor.selector,
            Updates.setErc20SpendLimit.selector,
            Updates.setNativeTokenSpendLimit.selector,
            Updates.removeNativeTokenSpendLimit.selector,
            Updates.setGasSpendLimit.selector,
            Updates.removeGasSpendLimit.selector,
            Updates.setCallLimit.selector,
            Updates.setRequiredPaymaster.selector,
            Updates.addArgumentCondition.selector,
            Updates.addArgumentOneOf.selector,
            Updates.removeArgumentConditions.selector,
            Updates.setArgumentSpendLimit.selector,
            Updates.removeArgumentSpendLimit.selector,
            Updates.setFunctionCallLimit.selector,
            Updates.removeFunctionCallLimit.selector,
            Updates.setMaxValuePerCall.selector,
            Updates.removeMaxValuePerCall.selector
        ];
    }

    function _fieldNames() internal pure returns (string[FIELDS] memory) {
        return [
            "accessListType",
            "contracts",
            "functions",
            "timeRange",
            "refreshAnchor",
            "erc20Limits",
            "nativeTokenLimit",
            "unlimitedNativeToken",
            "gasLimit",
            "unlimitedGas",
            "callLimit",
            "requiredPaymaster",
            "argumentConditions",
            "argumentOneOf",
            "noArgumentConditions",
            "argumentLimits",
            "noArgumentLimits",
            "functionCallLimits",
            "unlimitedFunctionCalls",
            "maxValuePerCall",
            "unlimitedValuePerCall"
        ];
    }

    /// @dev Each field's struct: its name and its members' names and types (docs/grants.md).
    function _fieldStructs() internal pure returns (string[FIELDS] memory) {
        return [
            "AccessListType(uint8 listType)",
            "ContractAccess(address target,bool isOnList,bool checkSelectors)",
            "FunctionAccess(address target,bytes4 selector,bool isOnList)",
            "TimeRange(uint48 validFrom,uint48 validUntil)",
            "RefreshAnchor(uint48 anchor)",
            "Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)",
            "NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)",
            "UnlimitedNativeToken()",
            "GasLimit(uint256 spendLimit,uint48 refreshInterval)",
            "UnlimitedGas()",
            "CallLimit(uint256 callLimit,uint48 refreshInterval)",
            "RequiredPaymaster(address paymaster)",
            "ArgumentCondition(address target,bytes4 selector,uint8 argIndex,uint8 operator,bytes32 value)",
            "ArgumentOneOf(address target,bytes4 selector,uint8 argIndex,bytes32 value)",
            "NoArgumentConditions(address target,bytes4 selector)",
            "ArgumentLimit(address target,bytes4 selector,uint8 argIndex,uint256 spendLimit,uint48 refreshInterval)",
            "NoArgumentLimit(address target,bytes4 selector,uint8 argIndex)",
            "FunctionCallLimit(address target,bytes4 selector,uint256 callLimit,uint48 refreshInterval)",
            "UnlimitedFunctionCalls(address target,bytes4 selector)",
            "MaxValuePerCall(uint256 maxValue)",
            "UnlimitedValuePerCall()"
        ];
    }

    // ---------------------------------------------------------------- building grants

    /// @dev A one-chain grant of `updates` (already grouped in field order) for the test account and session key.
    function _grant(bytes[] memory updates, uint64 nonce) internal view returns (GrantT memory g) {
        g.account = address(account);
        g.sessionKey = sessionKey;
        g.tag = bytes32("granted");
        g.nonce = nonce;
        g.chains = new ChainPartT[](1);
        g.chains[0] = ChainPartT(block.chainid, 0, updates);
    }

    /// @dev The benchmark's full permission set in field order: the token and its transfer function, a time range, a
    /// weekly ERC-20 limit, a daily gas limit.
    function _grantPermissions(uint256 erc20Limit, uint256 gasLimit) internal view returns (bytes[] memory updates) {
        updates = new bytes[](5);
        updates[0] = _allowTargetWithSelectors(address(token));
        updates[1] = _allowSelector(address(token), TRANSFER);
        updates[2] = _timeRange(block.timestamp - 1 hours, block.timestamp + 365 days);
        updates[3] = _erc20Limit(address(token), erc20Limit, WEEK);
        updates[4] = _gasLimit(gasLimit, DAY);
    }

    // ---------------------------------------------------------------- the owner's side

    /// @dev The EIP-712 digest of `g`, from forge's EIP-712 implementation.
    function _grantDigest(GrantT memory g, address verifyingContract) internal view returns (bytes32) {
        string memory domain = string.concat(
            '{"name":"Leash Session Key Grant","version":"1","verifyingContract":"',
            vm.toString(verifyingContract),
            '"}'
        );
        string memory chains = "[";
        for (uint256 c; c < g.chains.length; ++c) {
            if (c != 0) chains = string.concat(chains, ",");
            chains = string.concat(chains, '{"chainId":"', vm.toString(g.chains[c].chainId), '","generation":"');
            chains = string.concat(chains, vm.toString(uint256(g.chains[c].generation)), '","permissions":');
            chains = string.concat(chains, _permissionsJson(g.chains[c].updates), "}");
        }
        string memory message = string.concat(
            '{"account":"', vm.toString(g.account), '","sessionKey":"', vm.toString(g.sessionKey), '","keyType":"'
        );
        message = string.concat(message, vm.toString(uint256(g.keyType)), '","tag":"', vm.toString(g.tag));
        message = string.concat(message, '","nonce":"', vm.toString(uint256(g.nonce)), '","validUntil":"');
        message = string.concat(message, vm.toString(uint256(g.validUntil)), '","chains":', chains, "]}");
        string memory json = string.concat('{"types":', _grantTypes(), ',"primaryType":"SessionKeyGrant","domain":');
        json = string.concat(json, domain, ',"message":', message, "}");
        return vm.eip712HashTypedData(json);
    }

    /// @dev The Permissions message: each update as its field's struct, with its arguments as named values.
    function _permissionsJson(bytes[] memory updates) internal pure returns (string memory json) {
        bytes4[FIELDS] memory selectors = _fieldSelectors();
        string[FIELDS] memory names = _fieldNames();
        string[FIELDS] memory structs = _fieldStructs();
        json = "{";
        for (uint256 f; f < FIELDS; ++f) {
            string memory items = "[";
            uint256 count;
            for (uint256 i; i < updates.length; ++i) {
                if (bytes4(updates[i]) != selectors[f]) continue;
                if (count++ != 0) items = string.concat(items, ",");
                items = string.concat(items, _structJson(structs[f], updates[i]));
            }
            json = string.concat(json, f == 0 ? '"' : ',"', names[f], '":', items, "]");
        }
        json = string.concat(json, "}");
    }

    /// @dev `{"member":"value",...}` for an update, its members read from the struct definition `Name(type name,...)`.
    function _structJson(string memory definition, bytes memory update) internal pure returns (string memory json) {
        bytes memory d = bytes(definition);
        uint256 i;
        while (d[i] != "(") ++i;
        json = "{";
        uint256 word;
        while (d[i] != ")") {
            ++i; // past "(" or ","
            if (d[i] == ")") break;
            uint256 typeStart = i;
            while (d[i] != " ") ++i;
            string memory typeName = _slice(d, typeStart, i);
            uint256 nameStart = ++i;
            while (d[i] != "," && d[i] != ")") ++i;
            string memory name = _slice(d, nameStart, i);
            uint256 value;
            assembly {
                value := mload(add(add(update, 0x24), shl(5, word)))
            }
            json = string.concat(json, word == 0 ? '"' : ',"', name, '":', _jsonValue(typeName, value));
            ++word;
        }
        json = string.concat(json, "}");
    }

    function _jsonValue(string memory typeName, uint256 value) private pure returns (string memory) {
        bytes32 t = keccak256(bytes(typeName));
        if (t == keccak256("address")) return string.concat('"', vm.toString(address(uint160(value))), '"');
        if (t == keccak256("bool")) return value == 0 ? "false" : "true";
        if (t == keccak256("bytes32")) return string.concat('"', vm.toString(bytes32(value)), '"');
        if (t == keccak256("bytes4")) return string.concat('"', vm.toString(abi.encodePacked(bytes4(bytes32(value)))), '"');
        return string.concat('"', vm.toString(value), '"');
    }

    function _slice(bytes memory d, uint256 from, uint256 to) private pure returns (string memory) {
        bytes memory out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) {
            out[i] = d[from + i];
        }
        return string(out);
    }

    /// @dev The ChainGrant hash of one chain's part, the textbook way.
    function _chainHash(ChainPartT memory part) internal pure returns (bytes32) {
        bytes4[FIELDS] memory selectors = _fieldSelectors();
        string[FIELDS] memory structs = _fieldStructs();
        bytes32[] memory fieldHashes = new bytes32[](FIELDS);
        for (uint256 f; f < FIELDS; ++f) {
            bytes32 typeHash = keccak256(bytes(structs[f]));
            bytes memory concatenated;
            for (uint256 i; i < part.updates.length; ++i) {
                bytes memory u = part.updates[i];
                if (bytes4(u) != selectors[f]) continue;
                bytes memory args = new bytes(u.length - 4);
                for (uint256 j; j < args.length; ++j) {
                    args[j] = u[j + 4];
                }
                concatenated = abi.encodePacked(concatenated, keccak256(abi.encodePacked(typeHash, args)));
            }
            fieldHashes[f] = keccak256(concatenated);
        }
        // Referenced types sorted by name, Permissions among them: AccessListType, ArgumentCondition, ArgumentLimit,
        // ArgumentOneOf, CallLimit, ContractAccess, Erc20Limit, FunctionAccess, FunctionCallLimit, GasLimit,
        // MaxValuePerCall, NativeTokenLimit, NoArgumentConditions, NoArgumentLimit, (Permissions,) RefreshAnchor,
        // RequiredPaymaster, TimeRange, UnlimitedFunctionCalls, UnlimitedGas, UnlimitedNativeToken, UnlimitedValuePerCall.
        uint8[14] memory before = [0, 12, 15, 13, 10, 1, 5, 2, 17, 8, 19, 6, 14, 16];
        uint8[7] memory afterPermissions = [4, 11, 3, 18, 9, 7, 20];
        string memory elementTypes;
        for (uint256 i; i < before.length; ++i) {
            elementTypes = string.concat(elementTypes, structs[before[i]]);
        }
        string memory tail;
        for (uint256 i; i < afterPermissions.length; ++i) {
            tail = string.concat(tail, structs[afterPermissions[i]]);
        }
        string memory permissionsType = string.concat(
            "Permissions(AccessListType[] accessListType,ContractAccess[] contracts,FunctionAccess[] functions,",
            "TimeRange[] timeRange,RefreshAnchor[] refreshAnchor,Erc20Limit[] erc20Limits,",
            "NativeTokenLimit[] nativeTokenLimit,UnlimitedNativeToken[] unlimitedNativeToken,GasLimit[] gasLimit,",
            "UnlimitedGas[] unlimitedGas,CallLimit[] callLimit,RequiredPaymaster[] requiredPaymaster,",
            string.concat(
                "ArgumentCondition[] argumentConditions,ArgumentOneOf[] argumentOneOf,",
                "NoArgumentConditions[] noArgumentConditions,ArgumentLimit[] argumentLimits,",
                "NoArgumentLimit[] noArgumentLimits,FunctionCallLimit[] functionCallLimits,",
                "UnlimitedFunctionCalls[] unlimitedFunctionCalls,MaxValuePerCall[] maxValuePerCall,",
                "UnlimitedValuePerCall[] unlimitedValuePerCall)"
            )
        );
        bytes32 permissionsTypeHash = keccak256(bytes(string.concat(permissionsType, elementTypes, tail)));
        bytes32 chainTypeHash = keccak256(
            bytes(
                string.concat(
                    "ChainGrant(uint256 chainId,uint32 generation,Permissions permissions)",
                    elementTypes,
                    permissionsType,
                    tail
                )
            )
        );
        bytes32 permissionsHash = keccak256(abi.encodePacked(permissionsTypeHash, fieldHashes));
        return keccak256(abi.encode(chainTypeHash, part.chainId, part.generation, permissionsHash));
    }

    /// @dev The owner's signature of `g` for the Leash account: a plain ECDSA signature of the digest.
    function _signGrant(GrantT memory g, uint256 pk) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, _grantDigest(g, address(module)));
        return abi.encodePacked(r, s, v);
    }

    // ---------------------------------------------------------------- the key's first op

    /// @dev The grant part of an op's signature for chain `index` of `g`.
    function _grantArgs(GrantT memory g, uint256 index, bytes memory ownerSignature, uint256 statedTime)
        internal
        pure
        returns (bytes memory)
    {
        bytes32[] memory hashes = new bytes32[](g.chains.length);
        for (uint256 c; c < g.chains.length; ++c) {
            if (c != index) hashes[c] = _chainHash(g.chains[c]);
        }
        GrantHeadT memory head;
        head.statedTime = statedTime;
        head.account = g.account;
        head.sessionKey = g.sessionKey;
        head.keyType = g.keyType;
        head.tag = g.tag;
        head.nonce = g.nonce;
        head.validUntil = g.validUntil;
        head.chainId = g.chains[index].chainId;
        head.generation = g.chains[index].generation;
        head.chainIndex = index;
        return abi.encode(head, ownerSignature, hashes, g.chains[index].updates);
    }

    /// @dev `uint32 statedTime ‖ the session key's ECDSA signature ‖ grant`.
    function _grantSignature(PackedUserOperation memory op, uint256 pk, uint256 statedTime, bytes memory grantArgs)
        internal
        view
        returns (bytes memory)
    {
        return abi.encodePacked(_signSession(op, pk, statedTime), grantArgs);
    }

    /// @dev The key's first op carrying `g` (chain 0's part), signed by the session key at the current time.
    function _grantOp(GrantT memory g, bytes memory callData) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(callData);
        op.signature = _grantSignature(op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp));
    }

    function _isKey(address key) internal view returns (bool) {
        return lens.isSessionKeyOf(address(module), address(account), key);
    }
}
