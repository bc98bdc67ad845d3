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
import {CallPolicy} from "./permissions/CallPolicy.sol";
import {ArgumentConditions} from "./permissions/ArgumentConditions.sol";
import {ArgumentSpendLimit} from "./permissions/ArgumentSpendLimit.sol";
import {FunctionCallLimit} from "./permissions/FunctionCallLimit.sol";
import {ValuePerCall} from "./permissions/ValuePerCall.sol";
import {PermissionUpdater} from "./PermissionUpdater.sol";

/**
 * @title SessionKeyModule
 * @notice ERC-7579 validator for session keys: extra signers whose every user op is checked, during ERC-4337
 * validation, against the permissions the account's owner granted them. Time range, access list (contracts and
 * functions), ERC-20, native token and gas spend limits (lifetime or per period), a call-count limit, a required
 * paymaster, call policies (argument conditions, one-of sets, argument limits and call limits per function; see
 * docs/call-policies.md) and a per-call value cap.
 * @dev Route an op to this module with the nonce key `module address ‖ 4-byte lane` (OpenZeppelin AccountERC7579).
 * The op's signature is `uint32 statedTime ‖ ECDSA(digest)` (69 bytes), or, for gas estimation,
 * `uint32 statedTime ‖ sessionKey ‖ ECDSA(digest)` (89 bytes), which runs every check for `sessionKey` and reports
 * SIG_VALIDATION_FAILED when the ECDSA signature is not that key's. A key's first op may carry its owner's grant
 * instead of the key having been added: `uint32 statedTime ‖ ECDSA(digest) ‖ grant` (longer than 89 bytes; see
 * {PermissionUpdater-enableGrantedKey} and docs/grants.md), which registers the key and then validates the op as its. The digest is `keccak256(userOpHash ‖ uint32
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
    /// @dev A grant's first op runs within this many seconds of its stated time: the time the key counts as added.
    uint256 private constant GRANT_TIME_TOLERANCE = 3600;

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
        uint256 grantWindow;
        if (sessionKey == address(0)) {
            // Neither ordinary form: a grant, or nothing.
            if (signature.length <= 89) return SIG_VALIDATION_FAILED;
            (sessionKey, statedTime, sigFailed, grantWindow) = _enableGrantedKey(signature, userOpHash);
        }
        address account = msg.sender;
        uint256 generation = SessionKeyStorage.accountSlot(account).load().generation();
        uint256 keySlot = SessionKeyStorage.keySlot(account, generation, sessionKey);
        uint256 record = keySlot.load();
        if (record == 0) return SIG_VALIDATION_FAILED;

        uint256 window = TimeRange.ofKey(record);
        if (grantWindow != 0) window = TimeRange.intersect(window, grantWindow);
        uint256 calls;
        uint256 largestValue;
        address largestValueTarget;
        (window, calls, largestValue, largestValueTarget) = _checkCalls(account, record, callData, statedTime, window);
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
            if (largestValue != 0 && ValuePerCall.isCapped(budgets)) {
                ValuePerCall.check(account, record.sessionId(), largestValueTarget, largestValue);
            }
            (budgets, window) = CallLimit.charge(budgets, record.refreshAnchor(), calls, statedTime, window);
            if (cost != 0) {
                (budgets, window) = GasSpendLimit.charge(account, generation, record, budgets, cost, statedTime, window);
            }
            budgetsSlot.store(budgets);
        }
        return TimeRange.toValidationData(sigFailed, window);
    }

    /// @dev A grant's first op: the session key's signature is the first 69 bytes, the rest are the arguments of
    /// {PermissionUpdater-enableGrantedKey}, which registers the key the grant names (or reverts with why not).
    /// @return sessionKey The key the grant names.
    /// @return statedTime The op's stated time.
    /// @return sigFailed Whether the op is not signed by that key.
    /// @return window Where the op may run: within an hour of its stated time (which the key's periods start from),
    /// and not after the grant's deadline.
    function _enableGrantedKey(bytes calldata signature, bytes32 userOpHash)
        private
        returns (address sessionKey, uint256 statedTime, bool sigFailed, uint256 window)
    {
        address signer;
        (signer, statedTime,) = SessionSignature.read(signature[:69], userOpHash);
        bytes calldata grant = signature[69:];
        // The head's 13 words, the first of which states the same time.
        if (grant.length < 13 * 0x20 || uint256(bytes32(grant[:0x20])) != statedTime) revert MalformedGrant();
        address updater = PERMISSION_UPDATER;
        bytes4 selector = PermissionUpdater.enableGrantedKey.selector;
        uint256 validUntil;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            calldatacopy(add(ptr, 4), grant.offset, grant.length)
            if iszero(delegatecall(gas(), updater, ptr, add(4, grant.length), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            returndatacopy(ptr, 0, 0x40)
            sessionKey := mload(ptr)
            validUntil := mload(add(ptr, 0x20))
        }
        sigFailed = signer != sessionKey;
        uint256 until = statedTime + GRANT_TIME_TOLERANCE;
        if (validUntil != 0 && validUntil < until) until = validUntil;
        uint256 from = statedTime > GRANT_TIME_TOLERANCE ? statedTime - GRANT_TIME_TOLERANCE : 0;
        window = (from << 128) | until;
    }

    /// @notice Session keys never sign for the account: a signed permit would bypass every limit.
    function isValidSignatureWithSender(address, bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }

    /// @dev Access list, ERC-20 limits and call policies per call, then the native token limit on the sum of the values.
    /// @return The window, narrowed to every refreshing budget charged.
    /// @return calls How many calls the op makes.
    /// @return largestValue The largest value one call sends (for the per-call cap), and `largestValueTarget` its target.
    function _checkCalls(address account, uint256 record, bytes calldata callData, uint256 statedTime, uint256 window)
        private
        returns (uint256, uint256 calls, uint256 largestValue, address largestValueTarget)
    {
        (bool isBatch, bytes calldata executionCalldata) = ExecutionParser.parse(callData);
        uint256 value;
        calls = 1;
        if (!isBatch) {
            bytes calldata data;
            (largestValueTarget, value, data) = ExecutionParser.single(executionCalldata);
            largestValue = value;
            window = _checkCall(account, record, largestValueTarget, data, statedTime, window);
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
                if (callValue > largestValue) (largestValue, largestValueTarget) = (callValue, target);
                window = _checkCall(account, record, target, data, statedTime, window);
            }
            ExecutionParser.batchEnd(executionCalldata, head);
        }
        if (value != 0 && record & SessionKeyStorage.FLAG_NATIVE_UNLIMITED == 0) {
            window = NativeSpendLimit.charge(account, record, value, statedTime, window);
        }
        return (window, calls, largestValue, largestValueTarget);
    }

    /// @dev One call: never the account, the module or an EntryPoint; then the access list; then the function's call
    /// policy, when its contract has any; then ERC-20 metering.
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
            AccessList.check(account, sessionId, listType, entry, target, selector, data);
        }
        if (entry & CallPolicy.HAS_POLICY != 0) {
            window = _checkCallPolicy(account, record, target, selector, data, statedTime, window);
        }
        if (!Erc20SpendLimit.isLimited(entry)) return window;
        return Erc20SpendLimit.charge(account, record, slot, entry, target, selector, data, statedTime, window);
    }

    /// @dev The function's call policy (docs/call-policies.md): its conditions and one-of sets must hold; its argument
    /// limits and call limit are charged. One header read, and one write when the function is call-limited.
    function _checkCallPolicy(
        address account,
        uint256 record,
        address target,
        bytes4 selector,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        uint256 sessionId = record.sessionId();
        uint256 slot = SessionKeyStorage.callPolicySlot(account, sessionId, target, selector);
        uint256 header = slot.load();
        if (header == 0) return window;
        ArgumentConditions.check(account, sessionId, header, target, selector, data);
        window = ArgumentSpendLimit.charge(account, record, header, target, selector, data, statedTime, window);
        if (FunctionCallLimit.isLimited(header)) {
            (header, window) = FunctionCallLimit.charge(header, record.refreshAnchor(), target, selector, statedTime, window);
            slot.store(header);
        }
        return window;
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

    /// @inheritdoc ISessionKeyModule
    function cancelSessionKeyGrant(uint64) external {
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
