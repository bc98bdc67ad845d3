// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ArgumentOperator} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {CallPolicyBase} from "../unit/CallPolicyBase.sol";

/**
 * @dev The on-chain checker of argument conditions and one-of sets against an independent reference model, on random
 * rule sets and random calldata (lengths that cut arguments short included). The model reads the calldata with
 * Solidity's own slicing and compares with Solidity's uint256/int256 operators; it predicts the exact revert (the
 * first failing rule, conditions before sets) or success.
 */
/// forge-config: default.fuzz.runs = 256
/// forge-config: deep.fuzz.runs = 50000
contract CallPolicyFuzzTest is CallPolicyBase {
    struct Rule {
        uint8 argIndex;
        uint8 operator;
        bytes32 value;
    }

    struct OneOfSet {
        uint8 argIndex;
        bytes32[] values;
    }

    /// @dev A small pool, so random words often meet the rules' values and boundaries.
    function _pooled(uint256 seed) internal pure returns (bytes32) {
        uint256 pick = seed % 8;
        if (pick == 0) return bytes32(0);
        if (pick == 1) return bytes32(uint256(1));
        if (pick == 2) return bytes32(type(uint256).max); // -1 signed
        if (pick == 3) return bytes32(uint256(1) << 255); // int256 min
        if (pick == 4) return bytes32(type(uint256).max >> 1); // int256 max
        if (pick == 5) return bytes32(uint256(100));
        if (pick == 6) return bytes32(uint256(101));
        return keccak256(abi.encode(seed)); // anything
    }

    function _holds(uint8 op, bytes32 a, bytes32 v) internal pure returns (bool) {
        uint256 ua = uint256(a);
        uint256 uv = uint256(v);
        int256 sa = int256(ua);
        int256 sv = int256(uv);
        if (op == 0) return ua == uv;
        if (op == 1) return ua != uv;
        if (op == 2) return ua < uv;
        if (op == 3) return ua <= uv;
        if (op == 4) return ua > uv;
        if (op == 5) return ua >= uv;
        if (op == 6) return sa < sv;
        if (op == 7) return sa <= sv;
        if (op == 8) return sa > sv;
        return sa >= sv;
    }

    /// @dev The reference model: the revert the module must give, or "" when the call passes.
    function _expected(Rule[] memory rules, OneOfSet[] memory sets, bytes memory data)
        internal
        view
        returns (bytes memory)
    {
        for (uint256 i; i < rules.length; ++i) {
            (bool present, bytes32 word) = _argument(data, rules[i].argIndex);
            if (!present) return _missing(rules[i].argIndex, data.length);
            if (!_holds(rules[i].operator, word, rules[i].value)) {
                return _conditionFailed(rules[i].argIndex, ArgumentOperator(rules[i].operator), rules[i].value, word);
            }
        }
        for (uint256 s; s < sets.length; ++s) {
            (bool present, bytes32 word) = _argument(data, sets[s].argIndex);
            if (!present) return _missing(sets[s].argIndex, data.length);
            bool member;
            for (uint256 j; j < sets[s].values.length; ++j) {
                if (sets[s].values[j] == word) member = true;
            }
            if (!member) return _notOneOf(sets[s].argIndex, word);
        }
        return "";
    }

    function _argument(bytes memory data, uint256 argIndex) internal pure returns (bool, bytes32 word) {
        uint256 start = 4 + 32 * argIndex;
        if (data.length < start + 32) return (false, 0);
        for (uint256 b; b < 32; ++b) {
            word |= bytes32(data[start + b]) >> (8 * b);
        }
        return (true, word);
    }

    function _missing(uint256 argIndex, uint256 length) internal view returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(target), PAY, argIndex, length);
    }

    function testFuzz_checkerMatchesTheReferenceModel(uint256 ruleSeed, uint256 dataSeed, uint8 extraBytes) public {
        // Rules: 0-4 conditions and 0-3 sets (set arguments distinct), on arguments 0-3.
        Rule[] memory rules = new Rule[](ruleSeed % 5);
        bytes[] memory updates = new bytes[](1 + rules.length + 12);
        uint256 n;
        updates[n++] = _allowTarget(address(target));
        for (uint256 i; i < rules.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(ruleSeed, "rule", i)));
            rules[i] = Rule(uint8(r % 4), uint8((r >> 8) % 10), _pooled(r >> 16));
            updates[n++] = _condition(
                address(target), PAY, rules[i].argIndex, ArgumentOperator(rules[i].operator), rules[i].value
            );
        }
        OneOfSet[] memory sets = new OneOfSet[]((ruleSeed >> 128) % 4);
        for (uint256 s; s < sets.length; ++s) {
            uint256 r = uint256(keccak256(abi.encode(ruleSeed, "set", s)));
            sets[s].argIndex = uint8((r + s) % 4 == 0 ? s : (r % 4)); // may repeat: the model dedupes below
            for (uint256 t; t < s; ++t) {
                if (sets[t].argIndex == sets[s].argIndex) sets[s].argIndex = uint8(4 + s); // keep arguments distinct
            }
            sets[s].values = new bytes32[](1 + (r >> 8) % 3);
            for (uint256 j; j < sets[s].values.length; ++j) {
                sets[s].values[j] = _pooled(r >> (16 + 8 * j));
                updates[n++] = _oneOf(address(target), PAY, sets[s].argIndex, sets[s].values[j]);
            }
        }
        assembly ("memory-safe") {
            mstore(updates, n)
        }
        _addKeyWithGas(sessionKey, updates);

        // Calldata: PAY and 0-7 random pooled words, then 0-31 extra bytes.
        uint256 words = dataSeed % 8;
        bytes memory data = abi.encodePacked(PAY);
        for (uint256 w; w < words; ++w) {
            data = abi.encodePacked(data, _pooled(uint256(keccak256(abi.encode(dataSeed, w)))));
        }
        for (uint256 b; b < extraBytes % 32; ++b) {
            data = abi.encodePacked(data, bytes1(uint8(b + 1)));
        }

        bytes memory expected = _expected(rules, sets, data);
        bytes memory callData = _call(address(target), 0, data);
        if (expected.length == 0) {
            assertEq(_runCall(callData) & 1, 0, "expected to pass");
        } else {
            _expectRunRevert(callData, expected);
        }
    }
}
