// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {ExecutionParser} from "./libraries/ExecutionParser.sol";
import {KeyUpdate} from "./updates/KeyUpdate.sol";
import {ArgumentConditions} from "./permissions/ArgumentConditions.sol";
import {ArgumentSpendLimit} from "./permissions/ArgumentSpendLimit.sol";
import {FunctionCallLimit} from "./permissions/FunctionCallLimit.sol";
import {ValuePerCall} from "./permissions/ValuePerCall.sol";

/**
 * @title CallPolicyUpdater
 * @notice Applies the call-policy permission updates (docs/call-policies.md): argument conditions and one-of sets,
 * argument limits, function call limits and the per-call value cap. A second delegate target beside
 * {PermissionUpdater}, which delegatecalls it for every update its own kinds do not handle, so both stay well under
 * EIP-170. It runs in the module's storage with the account as msg.sender (module → PermissionUpdater → here, both
 * delegatecalls), also during validation when a grant's first op registers its key.
 */
contract CallPolicyUpdater {
    /// @dev The contract's own address: code running at it was called directly, not delegatecalled.
    address private immutable SELF = address(this);

    /// @notice Called directly rather than delegatecalled through the session key module.
    error OnlyThroughTheModule();

    /**
     * @notice Applies one encoded update to `u`, the key being updated, and returns it changed (the record and the
     * key-list entry are stored by {PermissionUpdater} after the last update). Reverts with UnknownPermissionUpdate for
     * an update no kind handles.
     * @param u The key's state, as {PermissionUpdater} holds it.
     * @param update The encoded update (`abi.encodeCall` of an {ISessionKeyPermissionUpdates} function).
     * @param now_ The time the update counts as made (the block's, or a grant's stated time).
     * @return The key's state after the update.
     */
    function applyCallPolicyUpdate(KeyUpdate memory u, bytes calldata update, uint256 now_)
        external
        returns (KeyUpdate memory)
    {
        if (address(this) == SELF) revert OnlyThroughTheModule();
        bytes4 selector = ExecutionParser.selectorOf(update);
        if (ArgumentConditions.applyUpdate(u, selector, update)) return u;
        if (ArgumentSpendLimit.applyUpdate(u, selector, update, now_)) return u;
        if (FunctionCallLimit.applyUpdate(u, selector, update, now_)) return u;
        if (ValuePerCall.applyUpdate(u, selector, update)) return u;
        revert ISessionKeyModule.UnknownPermissionUpdate(u.i, selector);
    }
}
