// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {
    ERC7579Utils,
    Mode,
    CallType
} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {ExecutionParser} from "../../../src/session/libraries/ExecutionParser.sol";
import {UserOpCalldata} from "../../../src/session/libraries/UserOpCalldata.sol";

/// @dev The account's reading of `execute(mode, executionCalldata)`: OpenZeppelin's AccountERC7579 code path, with the
/// callData as this contract's whole calldata, exactly as `execute` receives it from the EntryPoint. Returns the calls
/// instead of running them.
contract AccountReading {
    function execute(bytes32 mode, bytes calldata executionCalldata) external pure returns (Execution[] memory) {
        (CallType callType,,,) = ERC7579Utils.decodeMode(Mode.wrap(mode));
        if (callType == ERC7579Utils.CALLTYPE_SINGLE) return _single(executionCalldata);
        if (callType == ERC7579Utils.CALLTYPE_BATCH) return _batch(executionCalldata);
        revert("unsupported call type");
    }

    function _single(bytes calldata executionCalldata) private pure returns (Execution[] memory calls) {
        (address target, uint256 value, bytes calldata data) = ERC7579Utils.decodeSingle(executionCalldata);
        calls = new Execution[](1);
        calls[0] = Execution(target, value, data);
    }

    function _batch(bytes calldata executionCalldata) private pure returns (Execution[] memory calls) {
        Execution[] calldata batch = ERC7579Utils.decodeBatch(executionCalldata);
        calls = new Execution[](batch.length);
        for (uint256 i; i < batch.length; ++i) {
            calls[i] = Execution(batch[i].target, batch[i].value, batch[i].callData);
        }
    }
}

/// @dev The module's reading, inside `validateUserOp` with the PackedUserOperation around the callData: the same
/// library calls, in the same order, as SessionKeyModule._checkCalls.
contract ModuleReading {
    function validateUserOp(PackedUserOperation calldata userOp, bytes32) external pure returns (Execution[] memory) {
        return _calls(_callData(userOp));
    }

    function _callData(PackedUserOperation calldata userOp) private pure returns (bytes calldata callData) {
        (callData,,) = UserOpCalldata.fields(userOp);
    }

    function _calls(bytes calldata callData) private pure returns (Execution[] memory calls) {
        (bool isBatch, bytes calldata executionCalldata) = ExecutionParser.parse(callData);
        if (!isBatch) {
            (address target, uint256 value, bytes calldata data) = ExecutionParser.single(executionCalldata);
            calls = new Execution[](1);
            calls[0] = Execution(target, value, data);
            return calls;
        }
        uint256 head;
        (calls, head) = _batch(executionCalldata);
        ExecutionParser.batchEnd(executionCalldata, head);
    }

    function _batch(bytes calldata executionCalldata) private pure returns (Execution[] memory calls, uint256 head) {
        uint256 count;
        (count, head) = ExecutionParser.batchCount(executionCalldata);
        calls = new Execution[](count);
        for (uint256 i; i < count; ++i) {
            (calls[i], head) = _batchCall(executionCalldata, i, head);
        }
    }

    function _batchCall(bytes calldata executionCalldata, uint256 i, uint256 head)
        private
        pure
        returns (Execution memory call, uint256 next)
    {
        bytes calldata data;
        (call.target, call.value, data, next) = ExecutionParser.batchCall(executionCalldata, i, head);
        call.callData = data;
    }
}

/// @dev Builds canonical and adversarial `execute` callData from a seed. Positions are relative to callData's start:
/// selector [0,4), mode [4,36), offset [36,68), length [68,100), executionCalldata from 100.
library EncodingMutator {
    uint256 internal constant MUTATIONS = 16;

    struct Spec {
        address[] targets;
        uint256 seed;
        uint256 mutation;
    }

    function _rand(uint256 seed, uint256 salt) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    /// @notice The calls a seed stands for: 1 to 3 calls to the given targets, small values, 0 to 70 bytes of data.
    function calls(address[] memory targets, uint256 seed) internal pure returns (Execution[] memory out) {
        out = new Execution[](1 + _rand(seed, 1) % 3);
        for (uint256 i; i < out.length; ++i) {
            uint256 r = _rand(seed, 10 + i);
            bytes memory data = new bytes(r % 71);
            for (uint256 j; j < data.length; ++j) {
                data[j] = bytes1(uint8(_rand(r, j)));
            }
            out[i] = Execution(targets[(r >> 8) % targets.length], (r >> 16) % 1000, data);
        }
    }

    /// @notice Whether mutation `m` keeps the encoding canonical (only padding changes, or nothing).
    function keepsCanonical(uint256 m) internal pure returns (bool) {
        return m == 0 || m == 9;
    }

    /**
     * @notice `execute` callData for the seed's calls: a batch (or, for some seeds, a single call), then mutation
     * `mutation % MUTATIONS` of it. Mutations: 0 none; 1 a negative element pointer; 2 a pointer past the end; 3 two
     * pointers swapped or equal (overlap); 4 a gap before an element; 5 trailing bytes; 6 a data length changed; 7 a
     * data offset other than 0x60 (or negative); 8 dirty target bits; 9 dirty data padding (still canonical); 10 the
     * array offset changed; 11 the count changed; 12 the outer bytes argument moved, unpadded or followed by bytes;
     * 13 a random word overwritten; 14 a random byte flipped; 15 the execution length word changed.
     */
    function build(address[] memory targets, uint256 seed, uint256 mutation) internal pure returns (bytes memory) {
        Execution[] memory list = calls(targets, seed);
        uint256 m = mutation % MUTATIONS;
        if (list.length == 1 && _rand(seed, 2) % 4 == 0 && (m == 0 || m >= 12)) {
            bytes memory packed = abi.encodePacked(list[0].target, list[0].value, list[0].callData);
            bytes memory single = abi.encodeCall(IExecute.execute, (bytes32(0), packed));
            return m == 0 ? single : _mutateOuter(single, seed, m);
        }
        bytes memory exec = _mutateBatch(abi.encode(list), list, _rand(seed, 3), m);
        bytes memory callData = abi.encodeCall(IExecute.execute, (bytes32(uint256(1) << 248), exec));
        if (m == 15) _setWord(callData, 68, _changed(exec.length, _rand(seed, 3)));
        return m >= 12 && m <= 14 ? _mutateOuter(callData, seed, m) : callData;
    }

    function _mutateBatch(bytes memory exec, Execution[] memory list, uint256 r, uint256 m)
        private
        pure
        returns (bytes memory)
    {
        uint256 n = list.length;
        uint256 element = _element(exec, r % n);
        if (m == 1) _setWord(exec, 0x40 + 0x20 * (r % n), uint256(-int256(1 + (r >> 8) % 0x400)));
        else if (m == 2) _setWord(exec, 0x40 + 0x20 * (r % n), exec.length + (r >> 8) % 0x100);
        else if (m == 3 && n > 1) _setWord(exec, 0x40 + 0x20 * (1 + r % (n - 1)), _word(exec, 0x40));
        else if (m == 4) exec = _insertGap(exec, n, r);
        else if (m == 5) exec = bytes.concat(exec, new bytes(1 + r % 64));
        else if (m == 6) _setWord(exec, element + 0x60, _changed(_word(exec, element + 0x60), r));
        else if (m == 7) _setWord(exec, element + 0x40, _changed(0x60, r));
        else if (m == 8) _setWord(exec, element, _word(exec, element) | ((1 + (r >> 100) % 0xffff) << 160));
        else if (m == 9) _dirtyPadding(exec, list, r);
        else if (m == 10) _setWord(exec, 0, _changed(0x20, r));
        else if (m == 11) _setWord(exec, 0x20, _changed(n, r));
        return exec;
    }

    /**
     * @notice Batch `execute` callData for `list` broken by one of the mutations that never leave it canonical (a
     * pointer negative or past the end, a gap, trailing bytes, a data offset other than 0x60, a dirty target, the array
     * offset or count changed, the outer argument moved, unpadded or followed by bytes, the length word changed), or two
     * pointers made equal when there are two calls or more.
     */
    function nonCanonical(Execution[] memory list, uint256 seed) internal pure returns (bytes memory callData) {
        uint8[11] memory breaking = [1, 2, 3, 4, 5, 7, 8, 10, 11, 12, 15];
        uint256 m = breaking[seed % breaking.length];
        if (m == 3 && list.length < 2) m = 1;
        bytes memory exec = _mutateBatch(abi.encode(list), list, _rand(seed, 3), m);
        callData = abi.encodeCall(IExecute.execute, (bytes32(uint256(1) << 248), exec));
        if (m == 15) _setWord(callData, 68, _changed(exec.length, _rand(seed, 3)));
        if (m == 12) callData = _mutateOuter(callData, seed, m);
    }

    function _mutateOuter(bytes memory callData, uint256 seed, uint256 m) private pure returns (bytes memory) {
        uint256 r = _rand(seed, 4);
        if (m == 12) {
            uint256 kind = r % 3;
            if (kind == 0) return bytes.concat(callData, new bytes(1 + (r >> 8) % 40));
            if (kind == 1) _setWord(callData, 36, _changed(0x40, r));
            else if (callData.length > 100) _shorten(callData, 1 + (r >> 8) % 31);
        } else if (m == 13 && callData.length >= 36) {
            _setWord(callData, 4 + ((r >> 8) % ((callData.length - 4) / 32)) * 32, _rand(r, 5));
        } else if (m == 14) {
            uint256 at = (r >> 8) % callData.length;
            callData[at] = bytes1(uint8(callData[at]) ^ uint8(1 + (r >> 200) % 255));
        }
        return callData;
    }

    /// @dev A value other than `current`: off by a little, a huge ("negative") word, or zero.
    function _changed(uint256 current, uint256 r) private pure returns (uint256) {
        uint256 kind = (r >> 32) % 4;
        if (kind == 0) return current + 1 + (r >> 40) % 64;
        if (kind == 1) return current == 0 ? 1 : current - 1 - ((r >> 40) % current);
        if (kind == 2) return uint256(-int256(1 + (r >> 40) % 0x1000));
        return current == 0 ? type(uint256).max : 0;
    }

    /// @dev Offset of element i (relative to executionCalldata), following its pointer.
    function _element(bytes memory exec, uint256 i) private pure returns (uint256) {
        return 0x40 + _word(exec, 0x40 + 0x20 * i);
    }

    function _insertGap(bytes memory exec, uint256 count, uint256 r) private pure returns (bytes memory out) {
        uint256 i = r % count;
        uint256 at = _element(exec, i);
        uint256 gap = 1 + (r >> 8) % 64;
        out = bytes.concat(_slice(exec, 0, at), new bytes(gap), _slice(exec, at, exec.length));
        for (uint256 j = i; j < count; ++j) {
            _setWord(out, 0x40 + 0x20 * j, _word(out, 0x40 + 0x20 * j) + gap);
        }
    }

    function _dirtyPadding(bytes memory exec, Execution[] memory list, uint256 r) private pure {
        for (uint256 i; i < list.length; ++i) {
            uint256 dataAt = _element(exec, i) + 0x80;
            uint256 length = list[i].callData.length;
            uint256 padded = (length + 31) & ~uint256(31);
            for (uint256 j = length; j < padded; ++j) {
                exec[dataAt + j] = bytes1(uint8(1 + (_rand(r, j) % 255)));
            }
        }
    }

    function _word(bytes memory data, uint256 at) internal pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := mload(add(add(data, 0x20), at))
        }
    }

    function _setWord(bytes memory data, uint256 at, uint256 value) internal pure {
        if (at + 32 > data.length) return;
        assembly ("memory-safe") {
            mstore(add(add(data, 0x20), at), value)
        }
    }

    function _shorten(bytes memory data, uint256 by) private pure {
        assembly ("memory-safe") {
            mstore(data, sub(mload(data), by))
        }
    }

    function _slice(bytes memory data, uint256 from, uint256 to) private pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) {
            out[i] = data[from + i];
        }
    }
}

interface IExecute {
    function execute(bytes32 mode, bytes calldata executionCalldata) external payable;
}
