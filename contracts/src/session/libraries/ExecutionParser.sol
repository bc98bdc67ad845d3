// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7579Execution, Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
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
    bytes32 internal constant MODE_SINGLE = bytes32(0);
    bytes32 internal constant MODE_BATCH = bytes32(uint256(1) << 248);

    /// @return isBatch Whether the calls are a batch.
    /// @return executionCalldata packed (target ‖ value ‖ data) for a single call, abi-encoded Execution[] for a batch.
    function parse(bytes calldata callData) internal pure returns (bool isBatch, bytes calldata executionCalldata) {
        if (callData.length < 4 || bytes4(callData[:4]) != IERC7579Execution.execute.selector) {
            revert ISessionKeyModule.UnsupportedAccountFunction(callData.length < 4 ? bytes4(0) : bytes4(callData[:4]));
        }
        if (callData.length < 100 || uint256(bytes32(callData[36:68])) != 0x40) {
            revert ISessionKeyModule.MalformedExecutionCalldata();
        }
        bytes32 mode = bytes32(callData[4:36]);
        if (mode == MODE_BATCH) isBatch = true;
        else if (mode != MODE_SINGLE) revert ISessionKeyModule.UnsupportedExecutionMode(mode);
        uint256 length = uint256(bytes32(callData[68:100]));
        if (length > callData.length - 100) revert ISessionKeyModule.MalformedExecutionCalldata();
        executionCalldata = callData[100:100 + length];
    }

    /// @notice The one call of single mode.
    function single(bytes calldata executionCalldata)
        internal
        pure
        returns (address target, uint256 value, bytes calldata data)
    {
        if (executionCalldata.length < 52) revert ISessionKeyModule.MalformedExecutionCalldata();
        return ERC7579Utils.decodeSingle(executionCalldata);
    }

    /// @notice The calls of batch mode; never empty.
    function batch(bytes calldata executionCalldata) internal pure returns (Execution[] calldata calls) {
        calls = ERC7579Utils.decodeBatch(executionCalldata);
        if (calls.length == 0) revert ISessionKeyModule.EmptyBatch();
    }
}
