// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";

/**
 * @title SessionSignature
 * @notice Reads a session op's signature: `uint32 statedTime ‖ ECDSA(userOpHash)` (69 bytes), or, for gas estimation,
 * `uint32 statedTime ‖ sessionKey ‖ ECDSA` (89 bytes), which names the key so every check runs for it and only reports
 * a signature failure when the ECDSA signature is not that key's. Times are 32-bit, like every time the module stores.
 * @dev ECDSA signatures are 65 bytes (r ‖ s ‖ v), low-s only (EIP-2), v 27 or 28. Recovery is written in assembly
 * because it runs on every session op: it calls the ecrecover precompile from scratch memory, without the checks and
 * allocations of the general-purpose libraries (about 300 gas per op).
 */
library SessionSignature {
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /**
     * @return sessionKey The key, or address(0) when the signature cannot be read or recovers to nobody.
     * @return statedTime The time the op states, which picks the period refreshing limits are charged to.
     * @return sigFailed For the 91-byte form: whether the ECDSA signature is not `sessionKey`'s.
     */
    function read(PackedUserOperation calldata userOp, bytes32 userOpHash)
        internal
        view
        returns (address sessionKey, uint256 statedTime, bool sigFailed)
    {
        uint256 length;
        uint256 offset;
        // Assembly: the signature's place in the op's calldata, without Solidity's checks of the encoding, which the
        // EntryPoint produced itself (bytes read past the end of calldata are zeros and fail recovery).
        assembly ("memory-safe") {
            let position := add(userOp, calldataload(add(userOp, 0x100)))
            length := calldataload(position)
            offset := add(position, 0x20)
        }
        if (length == 69) {
            statedTime = _statedTime(offset);
            sessionKey = _recover(userOpHash, offset + 4);
        } else if (length == 89) {
            statedTime = _statedTime(offset);
            assembly ("memory-safe") {
                sessionKey := shr(96, calldataload(add(offset, 4)))
            }
            sigFailed = _recover(userOpHash, offset + 24) != sessionKey;
        }
    }

    function _statedTime(uint256 offset) private pure returns (uint256 statedTime) {
        assembly ("memory-safe") {
            statedTime := shr(224, calldataload(offset))
        }
    }

    /// @dev The signer of the 65-byte signature at calldata `offset`, or address(0).
    function _recover(bytes32 hash, uint256 offset) private view returns (address signer) {
        assembly ("memory-safe") {
            let r := calldataload(offset)
            let s := calldataload(add(offset, 0x20))
            let v := byte(0, calldataload(add(offset, 0x40)))
            if iszero(gt(s, HALF_ORDER)) {
                let freeMemoryPointer := mload(0x40)
                mstore(0x00, hash)
                mstore(0x20, v)
                mstore(0x40, r)
                mstore(0x60, s)
                // The precompile returns nothing for an invalid signature (e.g. v not 27 or 28).
                if staticcall(gas(), 0x01, 0x00, 0x80, 0x00, 0x20) { signer := mul(mload(0x00), eq(returndatasize(), 0x20)) }
                mstore(0x40, freeMemoryPointer)
                mstore(0x60, 0)
            }
        }
    }
}
