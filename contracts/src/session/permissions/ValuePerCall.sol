// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "../libraries/SessionKeyStorage.sol";
import {KeyUpdate, KeyUpdates} from "../updates/KeyUpdate.sol";
import {CallLimit} from "./CallLimit.sol";

/**
 * @title ValuePerCall
 * @notice The per-call value cap: the largest native value any one call of the key may send, beside the cumulative
 * native limit ({NativeSpendLimit}). Key-wide.
 * @dev Costs nothing for keys without it: its flag is bit 131 of the key's op budgets slot ({CallLimit}), which an op
 * of such a key reads and writes anyway (setting a cap moves the key's gas budget there, FLAG_BUDGETS_SLOT); the cap
 * itself has its own slot (KIND_VALUE_PER_CALL), read only by ops of a capped key that send value.
 */
library ValuePerCall {
    using SessionKeyStorage for uint256;
    using KeyUpdates for KeyUpdate;

    uint256 internal constant CAPPED = 1 << 131;

    /// @notice Whether the key (its op budgets slot `budgets`) has a per-call cap.
    function isCapped(uint256 budgets) internal pure returns (bool) {
        return budgets & CAPPED != 0;
    }

    // ================================================================== check (validation)

    /// @notice Reverts when `value`, the largest value one call of the op sends (to `target`), exceeds the key's cap.
    function check(address account, uint256 sessionId, address target, uint256 value) internal view {
        uint256 cap = SessionKeyStorage.valuePerCallSlot(account, sessionId).load();
        if (value > cap) revert ISessionKeyModule.ValuePerCallExceeded(target, cap, value);
    }

    // ================================================================== apply (management)

    /// @notice Applies `setMaxValuePerCall` or `removeMaxValuePerCall`.
    /// @return handled Whether `selector` is one of them.
    function applyUpdate(KeyUpdate memory u, bytes4 selector, bytes calldata update) internal returns (bool handled) {
        if (selector == Updates.setMaxValuePerCall.selector) {
            uint256 cap = u.arg(update, 0, 1);
            SessionKeyStorage.valuePerCallSlot(u.account, u.sessionId()).store(cap);
            uint256 slot = CallLimit.budgetsSlot(u);
            slot.store(slot.load() | CAPPED);
        } else if (selector == Updates.removeMaxValuePerCall.selector) {
            u.noArgs(update);
            if (u.record & SessionKeyStorage.FLAG_BUDGETS_SLOT != 0) {
                uint256 slot = SessionKeyStorage.opBudgetsSlot(u.account, u.sessionId());
                slot.store(slot.load() & ~CAPPED);
            }
        } else {
            return false;
        }
        return true;
    }

    // ================================================================== status (lens)

    /// @notice The cap the lens reports: `type(uint256).max` when the key has none.
    function status(uint256 record, uint256 budgets, uint256 cap) internal pure returns (uint256) {
        if (record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0 || budgets & CAPPED == 0) return type(uint256).max;
        return cap;
    }
}
