// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";

/**
 * @title GrantNonces
 * @notice Which grant nonces an account has used, per generation: a grant is used once, a cancellation uses its nonce
 * up, and revoke-all (a new generation) forgets them all together with every grant signed before.
 * @dev Nonces 0-159 are bits [96,256) of the account state word, which registering the grant's key writes anyway: no
 * extra storage slot on the first op (a cold slot write costs 22,100 gas). Larger nonces are bit `nonce & 255` of the
 * slot `nonce >> 8` (KIND_GRANT_NONCES). A cancelled nonce is also set in a second bitmap (KIND_GRANTS_CANCELLED),
 * read only to tell a refusal's reason and by the lens.
 */
library GrantNonces {
    using SessionKeyStorage for uint256;

    /// @notice Marks `nonce` used in the account's current generation, or reverts with why it cannot be.
    /// @param accountSlot The account's state slot, holding `state`.
    function use(address account, uint256 accountSlot, uint256 state, uint256 nonce) internal {
        (uint256 slot, uint256 word, uint256 bit) = _location(account, accountSlot, state, nonce);
        if (word & bit != 0) _revertUsed(account, state.generation(), nonce);
        slot.store(word | bit);
    }

    /// @notice Marks `nonce` cancelled (and so used) in the account's current generation.
    function cancel(address account, uint256 accountSlot, uint256 state, uint256 nonce) internal {
        use(account, accountSlot, state, nonce);
        uint256 slot = SessionKeyStorage.grantsCancelledSlot(account, state.generation(), nonce >> 8);
        slot.store(slot.load() | (1 << (nonce & 255)));
    }

    /// @notice Whether `nonce` is used, given the account's state and the word of its KIND_GRANT_NONCES slot (ignored
    /// for nonces kept in the state); and whether it was cancelled, given the word of its KIND_GRANTS_CANCELLED slot.
    function status(uint256 state, uint256 nonce, uint256 noncesWord, uint256 cancelledWord)
        internal
        pure
        returns (bool used, bool cancelled)
    {
        uint256 bit = 1 << (nonce & 255);
        used = nonce < SessionKeyStorage.INLINE_GRANT_NONCES
            ? state & (1 << (SessionKeyStorage.INLINE_GRANT_NONCE_SHIFT + nonce)) != 0
            : noncesWord & bit != 0;
        cancelled = cancelledWord & bit != 0;
    }

    function _location(address account, uint256 accountSlot, uint256 state, uint256 nonce)
        private
        view
        returns (uint256 slot, uint256 word, uint256 bit)
    {
        if (nonce < SessionKeyStorage.INLINE_GRANT_NONCES) {
            return (accountSlot, state, 1 << (SessionKeyStorage.INLINE_GRANT_NONCE_SHIFT + nonce));
        }
        slot = SessionKeyStorage.grantNoncesSlot(account, state.generation(), nonce >> 8);
        return (slot, slot.load(), 1 << (nonce & 255));
    }

    function _revertUsed(address account, uint256 generation, uint256 nonce) private view {
        uint256 cancelled = SessionKeyStorage.grantsCancelledSlot(account, generation, nonce >> 8).load();
        if (cancelled & (1 << (nonce & 255)) != 0) revert ISessionKeyModule.GrantCancelled(nonce);
        revert ISessionKeyModule.GrantAlreadyUsed(nonce);
    }
}
