// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";

/**
 * @title ExecutionParser
 * @notice Reads a session op's callData: it must be exactly the account's `execute(bytes32 mode, bytes calldata)`
 * with call type single or batch, the default exec type, and nothing else set in the mode.
 * @dev One reading of the calls. The module reads callData inside the PackedUserOperation; the account reads the same
 * bytes as its whole calldata. Any offset or length that points outside its region (or wraps around as a huge,
 * "negative" word) makes the two readings differ, and Solidity's own calldata checks compare such words with signed
 * arithmetic against calldatasize, not against the region. So only the canonical ABI encoding is accepted: every
 * offset and length inside its region, compared unsigned, elements in order, with no gaps, overlaps or trailing bytes.
 * In that encoding every read stays inside callData, where both contexts see the same bytes.
 *
 * Canonical `execute(mode, executionCalldata)`: selector | mode | 0x40 | length L | executionCalldata padded to 32.
 * Single: executionCalldata = target (20) ‖ value (32) ‖ data, as OpenZeppelin's decodeSingle reads it.
 * Batch: executionCalldata = abi.encode(Execution[]), relative to its start:
 *   [0x00] 0x20 | [0x20] n | [0x40 + 0x20 i] head_i | then element i at 0x40 + head_i:
 *   target (an address word, high bits zero) | value | 0x60 | data length | data padded to 32,
 *   with head_0 = 0x20 n, head_{i+1} = head_i + 0x80 + padded length_i, and 0x40 + head_n = L.
 * Note that OpenZeppelin's executor sends a call to address(0) to the account itself.
 */
library ExecutionParser {
    /// @return isBatch Whether the calls are a batch.
    /// @return executionCalldata packed (target ‖ value ‖ data) for a single call, abi-encoded Execution[] for a batch.
    function parse(bytes calldata callData) internal pure returns (bool isBatch, bytes calldata executionCalldata) {
        // Assembly: this runs on every session op; every condition is computed branch-free and checked once (about
        // 300 gas per op less than Solidity's slicing, which checks each read separately).
        bytes4 selector;
        bytes32 mode;
        bool wrongFunction;
        bool malformed;
        bool wrongMode;
        assembly ("memory-safe") {
            let start := callData.offset
            let length := callData.length
            // Words read past the end of callData are only used once the length checks below have passed.
            selector := and(calldataload(start), shl(224, 0xffffffff))
            mode := calldataload(add(start, 4))
            let bytesLength := calldataload(add(start, 68))
            // IERC7579Execution.execute(bytes32,bytes); modes: single = 0, batch = call type 0x01 in the top byte. Literal
            // here (assembly takes no computed constants); the unit tests compare them with OpenZeppelin's.
            wrongFunction := or(lt(length, 4), iszero(eq(selector, shl(224, 0xe9ae5c53))))
            // Canonical: the bytes argument at offset 0x40, inside callData (unsigned), padded, nothing after it.
            // bytesLength is compared before it is rounded up, so the rounding cannot overflow.
            malformed := or(
                or(lt(length, 100), iszero(eq(calldataload(add(start, 36)), 0x40))),
                or(gt(bytesLength, sub(length, 100)), iszero(eq(sub(length, 100), and(add(bytesLength, 31), not(31)))))
            )
            isBatch := eq(mode, shl(248, 1))
            wrongMode := iszero(or(iszero(mode), isBatch))
            executionCalldata.offset := add(start, 100)
            executionCalldata.length := bytesLength
        }
        if (wrongFunction) revert ISessionKeyModule.UnsupportedAccountFunction(callData.length < 4 ? bytes4(0) : selector);
        if (malformed) revert ISessionKeyModule.MalformedExecutionCalldata();
        if (wrongMode) revert ISessionKeyModule.UnsupportedExecutionMode(mode);
    }

    /// @notice The one call of single mode, read as OpenZeppelin's ERC7579Utils.decodeSingle does.
    function single(bytes calldata executionCalldata)
        internal
        pure
        returns (address target, uint256 value, bytes calldata data)
    {
        if (executionCalldata.length < 52) revert ISessionKeyModule.MalformedExecutionCalldata();
        assembly ("memory-safe") {
            let start := executionCalldata.offset
            target := shr(96, calldataload(start))
            value := calldataload(add(start, 20))
            data.offset := add(start, 52)
            data.length := sub(executionCalldata.length, 52)
        }
    }

    /**
     * @notice The number of calls of a batch, after checking its header: the array at 0x20, at least one call, and
     * room in the region for that many calls (each takes at least 0xa0 bytes: a head and four element words).
     * @return count The number of calls; read them in order with {batchCall}, then check the end with {batchEnd}.
     * @return firstHead Where the first call must start, relative to the array's data: after the n heads.
     */
    function batchCount(bytes calldata executionCalldata) internal pure returns (uint256 count, uint256 firstHead) {
        bool malformedHeader;
        bool tooMany;
        assembly ("memory-safe") {
            let length := executionCalldata.length
            malformedHeader := or(lt(length, 0x40), iszero(eq(calldataload(executionCalldata.offset), 0x20)))
            count := calldataload(add(executionCalldata.offset, 0x20))
            // Bounded before it is multiplied, so 0x20 × count cannot overflow (only used once the header is sound).
            tooMany := gt(count, div(sub(length, 0x40), 0xa0))
            firstHead := shl(5, count)
        }
        if (malformedHeader) revert ISessionKeyModule.MalformedExecutionCalldata();
        if (count == 0) revert ISessionKeyModule.EmptyBatch();
        if (tooMany) revert ISessionKeyModule.MalformedExecutionCalldata();
    }

    /**
     * @notice Call `i` of a batch, whose element must start exactly at `head` (relative to the array's data): where
     * the previous call ended, so calls are in order, without gaps or overlaps, and all inside the region.
     * @return target The call's target.
     * @return value The call's value.
     * @return data The call's data.
     * @return next Where call `i + 1` must start (or, after the last call, where the region must end: {batchEnd}).
     */
    function batchCall(bytes calldata executionCalldata, uint256 i, uint256 head)
        internal
        pure
        returns (address target, uint256 value, bytes calldata data, uint256 next)
    {
        // Assembly: runs for every call of every batch; one branch-free check of every word the call is read from.
        // `head` and `i` are below the region's length (checked by {batchCount} and the previous call), so no sum
        // below can overflow before it is compared.
        bool malformed;
        assembly ("memory-safe") {
            let arrayData := add(executionCalldata.offset, 0x40)
            let room := sub(executionCalldata.length, 0x40) // bytes of array data (batchCount checked length >= 0x40)
            let element := add(arrayData, head)
            // Bytes left for the data once the element's four words are in: negative (huge) when they do not fit.
            let dataRoom := sub(room, add(head, 0x80))
            // The whole target word first; only returned once its high bits are checked zero (else this reverts).
            target := calldataload(element)
            data.length := calldataload(add(element, 0x60))
            malformed := or(
                or(iszero(eq(calldataload(add(arrayData, shl(5, i))), head)), gt(add(head, 0x80), room)),
                or(
                    or(gt(shr(160, target), 0), iszero(eq(calldataload(add(element, 0x40)), 0x60))),
                    gt(data.length, dataRoom)
                )
            )
            // The padded length, rounded up only when the length fits (so it cannot overflow); it must fit too.
            next := and(add(mul(data.length, iszero(malformed)), 31), not(31))
            malformed := or(malformed, gt(next, dataRoom))
            next := add(add(head, 0x80), next)
            value := calldataload(add(element, 0x20))
            data.offset := add(element, 0x80)
        }
        if (malformed) revert ISessionKeyModule.MalformedExecutionCalldata();
    }

    /// @notice Reverts unless the last call of a batch ends exactly where the region does: no trailing bytes.
    function batchEnd(bytes calldata executionCalldata, uint256 next) internal pure {
        if (next + 0x40 != executionCalldata.length) revert ISessionKeyModule.MalformedExecutionCalldata();
    }

    /// @notice The function selector a call's data starts with; 0 for data shorter than 4 bytes.
    function selectorOf(bytes calldata data) internal pure returns (bytes4 selector) {
        if (data.length < 4) return bytes4(0);
        assembly ("memory-safe") {
            selector := and(calldataload(data.offset), shl(224, 0xffffffff))
        }
    }
}
