// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ERC7579Utils} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";

/**
 * @title ExecutionParser
 * @notice Reads a session op's callData: it must be exactly the account's `execute(bytes32 mode, bytes calldata)`
 * with call type single or batch, the default exec type, and nothing else set in the mode.
 * @dev The module must see the same calls the account will run. The bytes argument must be canonically encoded
 * (offset 0x40), and batches are decoded with OpenZeppelin's own decoder, the one the account executes with.
 * Note that OpenZeppelin's executor sends a call to address(0) to the account itself.
 */
library ExecutionParser {
    /// @notice The op's callData, located without Solidity's checks of the EntryPoint's own encoding.
    function callDataOf(PackedUserOperation calldata userOp) internal pure returns (bytes calldata callData) {
        bool outOfBounds;
        assembly ("memory-safe") {
            let position := add(userOp, calldataload(add(userOp, 0x60)))
            callData.offset := add(position, 0x20)
            callData.length := calldataload(position)
            // Past the end of calldata the module would read zeros where the account reads nothing.
            outOfBounds := or(gt(callData.offset, calldatasize()), gt(callData.length, sub(calldatasize(), callData.offset)))
        }
        if (outOfBounds) revert ISessionKeyModule.MalformedExecutionCalldata();
    }

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
            malformed := or(
                lt(length, 100),
                or(iszero(eq(calldataload(add(start, 36)), 0x40)), gt(bytesLength, sub(length, 100)))
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

    /// @notice The function selector a call's data starts with; 0 for data shorter than 4 bytes.
    function selectorOf(bytes calldata data) internal pure returns (bytes4 selector) {
        if (data.length < 4) return bytes4(0);
        assembly ("memory-safe") {
            selector := and(calldataload(data.offset), shl(224, 0xffffffff))
        }
    }

    /// @notice The calls of batch mode; never empty.
    function batch(bytes calldata executionCalldata) internal pure returns (Execution[] calldata calls) {
        calls = ERC7579Utils.decodeBatch(executionCalldata);
        if (calls.length == 0) revert ISessionKeyModule.EmptyBatch();
    }
}
