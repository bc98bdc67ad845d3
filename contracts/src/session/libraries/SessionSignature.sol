// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title SessionSignature
 * @notice Reads a session op's signature: `uint32 statedTime ‖ ECDSA(digest)` (69 bytes), or, for gas estimation,
 * `uint32 statedTime ‖ sessionKey ‖ ECDSA(digest)` (89 bytes), which names the key so every check runs for it and only
 * reports a signature failure when the ECDSA signature is not that key's. Times are 32-bit, like every time the module
 * stores.
 * @dev The key signs `digest = keccak256(userOpHash ‖ uint32 statedTime)`, not the bare userOpHash: the stated time
 * picks the period the op is charged to and so its validity window, and a relayer that rewrote it would otherwise move
 * a signed op to another period. The userOpHash already binds the chain, the EntryPoint, the account and the nonce
 * (whose key names this module). A raw digest rather than EIP-712 typed data: session keys are app and agent keys that
 * sign without a prompt (a local key, an HSM or KMS, a passkey, which signs the digest as its WebAuthn challenge), so a
 * wallet's display of the fields buys nothing, and EIP-712's second hash and domain cost about 150 gas on every op.
 *
 * Key types: a key's on-chain id is 20 bytes; for secp256k1 (the only type today) it is the key's address, recovered
 * from the signature. A new key type (P-256, WebAuthn) is a new signature form recognized here (by its length or a type
 * byte) with its own check against the public key stored beside the key's record, the id derived from that key: the
 * rest of the module (permissions, budgets, storage) sees only the id.
 *
 * ECDSA signatures are 65 bytes (r ‖ s ‖ v), low-s only (EIP-2), v 27 or 28. Hashing and recovery are written in
 * assembly because they run on every session op: from scratch memory, without the checks and allocations of the
 * general-purpose libraries (about 300 gas per op).
 */
library SessionSignature {
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /**
     * @param signature The op's signature field (bounded by {UserOpCalldata}).
     * @return sessionKey The key, or address(0) when the signature cannot be read or recovers to nobody.
     * @return statedTime The time the op states, which picks the period refreshing limits are charged to.
     * @return sigFailed For the 89-byte form: whether the ECDSA signature is not `sessionKey`'s.
     */
    function read(bytes calldata signature, bytes32 userOpHash)
        internal
        view
        returns (address sessionKey, uint256 statedTime, bool sigFailed)
    {
        uint256 length = signature.length;
        if (length != 69 && length != 89) return (address(0), 0, false);
        assembly ("memory-safe") {
            let offset := signature.offset
            statedTime := shr(224, calldataload(offset))
            let named := eq(length, 89)
            let ecdsa := add(add(offset, 4), mul(named, 20))
            let freeMemoryPointer := mload(0x40)
            // digest = keccak256(userOpHash ‖ uint32 statedTime), left in scratch word 0 for the precompile.
            mstore(0x00, userOpHash)
            mstore(0x20, shl(224, statedTime))
            mstore(0x00, keccak256(0x00, 0x24))
            let s := calldataload(add(ecdsa, 0x20))
            let signer := 0
            if iszero(gt(s, HALF_ORDER)) {
                mstore(0x20, byte(0, calldataload(add(ecdsa, 0x40)))) // v
                mstore(0x40, calldataload(ecdsa)) // r
                mstore(0x60, s)
                // The precompile returns nothing for an invalid signature (e.g. v not 27 or 28).
                if staticcall(gas(), 0x01, 0x00, 0x80, 0x00, 0x20) { signer := mul(mload(0x00), eq(returndatasize(), 0x20)) }
            }
            mstore(0x40, freeMemoryPointer)
            mstore(0x60, 0)
            switch named
            case 0 { sessionKey := signer }
            default {
                sessionKey := shr(96, calldataload(add(offset, 4)))
                sigFailed := iszero(eq(signer, sessionKey))
            }
        }
    }
}
