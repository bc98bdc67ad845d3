// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {CallTargets} from "../libraries/CallTargets.sol";

/// @notice The key a list of permission updates applies to, carried through every kind's `applyUpdate`. The record and the
/// key-list entry are changed here in memory and stored once, by {PermissionUpdater}, after the last update.
struct KeyUpdate {
    address account;
    uint256 generation;
    uint256 record;
    uint256 listEntry;
    bool listEntryLoaded;
    bool listEntryChanged;
    /// The index of the update being applied, for errors.
    uint256 i;
}

/**
 * @title KeyUpdates
 * @notice The state of a {KeyUpdate}, and the arguments of one encoded update: a call to an
 * {ISessionKeyPermissionUpdates} function, exactly `4 + 32 × arguments` bytes long, every word in range. Runs only in
 * management calls (delegatecalled into by the module), never during validation.
 */
library KeyUpdates {
    using SessionKeyStorage for uint256;

    function sessionId(KeyUpdate memory u) internal pure returns (uint256) {
        return u.record.sessionId();
    }

    /// @notice The key's key-list entry (gas limit, target count), loaded on first use.
    function keyListEntry(KeyUpdate memory u) internal view returns (uint256) {
        if (!u.listEntryLoaded) {
            u.listEntry = SessionKeyStorage.keyListSlot(u.account, u.generation, u.record.index()).load();
            u.listEntryLoaded = true;
        }
        return u.listEntry;
    }

    function setKeyListEntry(KeyUpdate memory u, uint256 entry) internal pure {
        u.listEntry = entry;
        u.listEntryLoaded = true;
        u.listEntryChanged = true;
    }

    /// @notice Stores the key-list entry if an update changed it.
    function storeKeyListEntry(KeyUpdate memory u) internal {
        if (u.listEntryChanged) SessionKeyStorage.keyListSlot(u.account, u.generation, u.record.index()).store(u.listEntry);
    }

    // ------------------------------------------------------------------ arguments

    /// @notice Word `n` of an update with exactly `count` static arguments, or MalformedPermissionUpdate.
    function arg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count) internal pure returns (uint256 word) {
        if (update.length != 4 + 32 * count) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
        assembly ("memory-safe") {
            word := calldataload(add(update.offset, add(4, mul(n, 32))))
        }
    }

    function noArgs(KeyUpdate memory u, bytes calldata update) internal pure {
        if (update.length != 4) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
    }

    function boolArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count) internal pure returns (bool) {
        uint256 word = arg(u, update, n, count);
        if (word > 1) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
        return word == 1;
    }

    function addressArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        pure
        returns (address)
    {
        uint256 word = arg(u, update, n, count);
        if (word > type(uint160).max) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
        return address(uint160(word));
    }

    /// @notice A contract an entry or limit may name: not zero, the account, the module or an EntryPoint.
    function targetArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        view
        returns (address target)
    {
        target = addressArg(u, update, n, count);
        if (CallTargets.isForbidden(u.account, target)) revert ISessionKeyModule.InvalidTarget(target);
    }

    /// @notice A timestamp: seconds up to 2^32 - 1 (words above 2^48 - 1 are not a uint48 at all).
    function timestampArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        pure
        returns (uint256 word)
    {
        word = _uint48Arg(u, update, n, count);
        if (word > SessionKeyStorage.MASK_32) revert ISessionKeyModule.TimestampOutOfRange(word);
    }

    function limitArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count, uint256 max)
        internal
        pure
        returns (uint256)
    {
        uint256 word = arg(u, update, n, count);
        if (word > max) revert ISessionKeyModule.SpendLimitTooLarge(word, max);
        return word;
    }

    /// @notice A refresh interval: seconds up to 2^32 - 1.
    function intervalArg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        internal
        pure
        returns (uint256 word)
    {
        word = _uint48Arg(u, update, n, count);
        if (word > SessionKeyStorage.MASK_32) revert ISessionKeyModule.RefreshIntervalTooLarge(word);
    }

    /// @dev A uint48 argument (the interface's type for times and intervals), which the module keeps in 32 bits.
    function _uint48Arg(KeyUpdate memory u, bytes calldata update, uint256 n, uint256 count)
        private
        pure
        returns (uint256 word)
    {
        word = arg(u, update, n, count);
        if (word > type(uint48).max) revert ISessionKeyModule.MalformedPermissionUpdate(u.i);
    }
}
