// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {SessionKeyStorage} from "./libraries/SessionKeyStorage.sol";
import {CallTargets} from "./libraries/CallTargets.sol";
import {ExecutionParser} from "./libraries/ExecutionParser.sol";
import {SessionSignature} from "./libraries/SessionSignature.sol";
import {UserOpCalldata} from "./libraries/UserOpCalldata.sol";
import {TimeRange} from "./permissions/TimeRange.sol";
import {AccessList} from "./permissions/AccessList.sol";
import {Erc20SpendLimit} from "./permissions/Erc20SpendLimit.sol";
import {NativeSpendLimit} from "./permissions/NativeSpendLimit.sol";
import {GasSpendLimit} from "./permissions/GasSpendLimit.sol";
import {RequiredPaymaster} from "./permissions/RequiredPaymaster.sol";
import {CallLimit} from "./permissions/CallLimit.sol";

/**
 * @title SessionKeyModule
 * @notice ERC-7579 validator for session keys: extra signers whose every user op is checked, during ERC-4337
 * validation, against the permissions the account's owner granted them. Time range, access list (contracts and
 * functions), ERC-20, native token and gas spend limits (lifetime or per period), a call-count limit, and a required
 * paymaster.
 * @dev Route an op to this module with the nonce key `module address ‖ 4-byte lane` (OpenZeppelin AccountERC7579).
 * The op's signature is `uint32 statedTime ‖ ECDSA(digest)` (69 bytes), or, for gas estimation,
 * `uint32 statedTime ‖ sessionKey ‖ ECDSA(digest)` (89 bytes), which runs every check for `sessionKey` and reports
 * SIG_VALIDATION_FAILED when the ECDSA signature is not that key's. The digest is `keccak256(userOpHash ‖ uint32
 * statedTime)` ({SessionSignature}), so the stated time is signed. `statedTime` picks the period refreshing limits
 * are charged to; see {TimeRange}. Validation touches only account-associated storage and reads no clock (ERC-7562).
 *
 * One reading of the calls: the module accepts an op only in the canonical ABI encoding, with every offset and length
 * inside its region ({ExecutionParser}, {UserOpCalldata}), so the account runs exactly the calls the module checked.
 *
 * This contract is the validation core. Key management (and parsing permission updates) runs in {PermissionUpdater},
 * delegatecalled from the management functions only, never during validation; reads are the lens's
 * ({SessionKeyLens}), through {extsload}.
 *
 * Only the account manages its keys (every management function acts on msg.sender); a session key cannot, since its
 * ops may never call the account, this module or the EntryPoint. Session keys produce no ERC-1271 signatures: a
 * signed permit would bypass every spend limit.
 */
contract SessionKeyModule is ISessionKeyModule {
    using SessionKeyStorage for uint256;

    uint256 private constant SIG_VALIDATION_FAILED = 1;

    /// @notice Where key management runs (delegatecalled): {PermissionUpdater}.
    address public immutable PERMISSION_UPDATER;

    /// @param permissionUpdater The {PermissionUpdater} this module's management functions delegate to.
    constructor(address permissionUpdater) {
        PERMISSION_UPDATER = permissionUpdater;
    }

    // ================================================================== ERC-7579 module

    /**
     * @notice Installs the module on the calling account, optionally with initial keys.
     * @param data Empty, or `abi.encode(address[] keys, bytes32[] tags, bytes[][] permissionUpdates)`.
     */
    function onInstall(bytes calldata data) external {
        data;
        _delegateToUpdater();
    }

    /// @notice Uninstalls the module: every key of the calling account is invalidated in O(1).
    function onUninstall(bytes calldata) external {
        _delegateToUpdater();
    }

    /// @notice A validator (ERC-7579 module type 1).
    /// @param moduleTypeId The module type asked about.
    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    /// @inheritdoc ISessionKeyModule
    function isInitialized(address account) external view returns (bool) {
        return SessionKeyStorage.accountSlot(account).load().installed();
    }

    // ================================================================== validation

    /**
     * @notice Validates a user op signed by a session key and charges its budgets.
     * @dev Returns SIG_VALIDATION_FAILED for a bad signature or an unknown, removed or revoked key; reverts with the
     * rule's custom error when the op breaks a permission; otherwise returns the op's validity window.
     * @param userOp The user op (msg.sender is the account).
     * @param userOpHash The EntryPoint's hash of the op, which the session key signed.
     */
    function validateUserOp(PackedUserOperation calldata userOp, bytes32 userOpHash) external returns (uint256) {
        (bytes calldata callData, bytes calldata paymasterAndData, bytes calldata signature) = UserOpCalldata.fields(userOp);
        (address sessionKey, uint256 statedTime, bool sigFailed) = SessionSignature.read(signature, userOpHash);
        if (sessionKey == address(0)) return SIG_VALIDATION_FAILED;
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        uint256 keySlot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        uint256 record = keySlot.load();
        if (record == 0) return SIG_VALIDATION_FAILED;

        (uint256 window, uint256 calls) = _checkCalls(account, record, callData, statedTime, TimeRange.ofKey(record));
        if (record & SessionKeyStorage.FLAG_PAYMASTER_REQUIRED != 0) {
            RequiredPaymaster.check(paymasterAndData, account, record);
        }
        // A gas budget counts nothing when a paymaster pays.
        uint256 cost;
        if (record & SessionKeyStorage.FLAG_GAS_UNLIMITED == 0 && paymasterAndData.length == 0) {
            cost = GasSpendLimit.maxCost(userOp);
        }
        if (record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0) {
            if (cost != 0) {
                (record, window) = GasSpendLimit.charge(account, generation, record, record, cost, statedTime, window);
                keySlot.store(record);
            }
        } else {
            // The call-count and gas budgets share one slot: one read and one write for both.
            uint256 budgetsSlot = SessionKeyStorage.opBudgetsSlot(account, record.sessionId());
            uint256 budgets = budgetsSlot.load();
            (budgets, window) = CallLimit.charge(budgets, record.refreshAnchor(), calls, statedTime, window);
            if (cost != 0) {
                (budgets, window) = GasSpendLimit.charge(account, generation, record, budgets, cost, statedTime, window);
            }
            budgetsSlot.store(budgets);
        }
        return TimeRange.toValidationData(sigFailed, window);
    }

    /// @notice Session keys never sign for the account: a signed permit would bypass every limit.
    function isValidSignatureWithSender(address, bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }

    /// @dev Access list and ERC-20 limits per call, then the native token limit on the sum of the values.
    /// @return The window, narrowed to every refreshing budget charged.
    /// @return calls How many calls the op makes.
    function _checkCalls(address account, uint256 record, bytes calldata callData, uint256 statedTime, uint256 window)
        private
        returns (uint256, uint256 calls)
    {
        (bool isBatch, bytes calldata executionCalldata) = ExecutionParser.parse(callData);
        uint256 value;
        calls = 1;
        if (!isBatch) {
            address target;
            bytes calldata data;
            (target, value, data) = ExecutionParser.single(executionCalldata);
            window = _checkCall(account, record, target, data, statedTime, window);
        } else {
            // Canonical encoding only (see ExecutionParser): each call must start where the previous one ended, and the
            // last must end the region, so the account reads exactly these calls.
            uint256 head;
            (calls, head) = ExecutionParser.batchCount(executionCalldata);
            for (uint256 i; i < calls; ++i) {
                address target;
                uint256 callValue;
                bytes calldata data;
                (target, callValue, data, head) = ExecutionParser.batchCall(executionCalldata, i, head);
                value += callValue;
                window = _checkCall(account, record, target, data, statedTime, window);
            }
            ExecutionParser.batchEnd(executionCalldata, head);
        }
        if (value == 0 || record & SessionKeyStorage.FLAG_NATIVE_UNLIMITED != 0) return (window, calls);
        return (NativeSpendLimit.charge(account, record, value, statedTime, window), calls);
    }

    /// @dev One call: never the account, the module or an EntryPoint; then the access list; then ERC-20 metering.
    function _checkCall(
        address account,
        uint256 record,
        address target,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        _requireCallable(account, target);
        bytes4 selector = ExecutionParser.selectorOf(data);
        uint256 sessionId = record.sessionId();
        uint256 slot = SessionKeyStorage.targetSlot(account, sessionId, target);
        uint256 entry = slot.load();
        uint256 listType = record.listType();
        if (!AccessList.allows(listType, entry, selector)) {
            AccessList.check(account, sessionId, listType, entry, target, selector);
        }
        if (!Erc20SpendLimit.isLimited(entry)) return window;
        return Erc20SpendLimit.charge(account, record, slot, entry, target, selector, data, statedTime, window);
    }

    /// @dev Session keys never call the account (address(0) runs as the account too), the module or an EntryPoint.
    function _requireCallable(address account, address target) private view {
        if (!CallTargets.isForbidden(account, target)) return;
        if (target == account || target == address(0)) revert CallToAccountNotAllowed(target);
        if (target == address(this)) revert CallToModuleNotAllowed();
        revert CallToEntryPointNotAllowed();
    }

    // ================================================================== management (runs in PermissionUpdater)

    /// @inheritdoc ISessionKeyModule
    function addSessionKey(address, bytes32, bytes[] calldata) external {
        _delegateToUpdater();
    }

    /// @inheritdoc ISessionKeyModule
    function removeSessionKey(address) external {
        _delegateToUpdater();
    }

    /// @inheritdoc ISessionKeyModule
    function rotateSessionKey(address, address) external {
        _delegateToUpdater();
    }

    /// @inheritdoc ISessionKeyModule
    function updateKeyPermissions(address, bytes[] calldata) external {
        _delegateToUpdater();
    }

    /// @inheritdoc ISessionKeyModule
    function revokeAllSessionKeys() external {
        _delegateToUpdater();
    }

    /// @dev Runs this call's calldata in {PermissionUpdater}, in this contract's storage and with the same msg.sender,
    /// and returns or reverts with its result.
    function _delegateToUpdater() private {
        address updater = PERMISSION_UPDATER;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), updater, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
    }

    // ================================================================== reads

    /// @inheritdoc ISessionKeyModule
    function extsload(bytes32 slot) external view returns (bytes32 value) {
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }
}
