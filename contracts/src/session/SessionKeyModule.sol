// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR, Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates, AccessListType} from
    "./interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "./libraries/SessionKeyStorage.sol";
import {SpendBudget} from "./libraries/SpendBudget.sol";
import {ExecutionParser} from "./libraries/ExecutionParser.sol";
import {TimeRange} from "./permissions/TimeRange.sol";
import {AccessList} from "./permissions/AccessList.sol";
import {Erc20SpendLimit} from "./permissions/Erc20SpendLimit.sol";
import {NativeSpendLimit} from "./permissions/NativeSpendLimit.sol";
import {GasSpendLimit} from "./permissions/GasSpendLimit.sol";
import {RequiredPaymaster} from "./permissions/RequiredPaymaster.sol";

/**
 * @title SessionKeyModule
 * @notice ERC-7579 validator for session keys: extra signers whose every user op is checked, during ERC-4337
 * validation, against the permissions the account's owner granted them. Time range, access list (contracts and
 * functions), ERC-20, native token and gas spend limits (lifetime or per period), and a required paymaster.
 * @dev Route an op to this module with the nonce key `module address ‖ 4-byte lane` (OpenZeppelin AccountERC7579).
 * The op's signature is `uint48 statedTime ‖ ECDSA(userOpHash)` (71 bytes), or, for gas estimation,
 * `uint48 statedTime ‖ sessionKey ‖ ECDSA` (91 bytes), which runs every check for `sessionKey` and reports
 * SIG_VALIDATION_FAILED when the ECDSA signature is not that key's. `statedTime` picks the period refreshing limits
 * are charged to; see {TimeRange}. Validation touches only account-associated storage and reads no clock (ERC-7562).
 *
 * Only the account manages its keys (every management function acts on msg.sender); a session key cannot, since its
 * ops may never call the account, this module or the EntryPoint. Session keys produce no ERC-1271 signatures: a
 * signed permit would bypass every spend limit.
 */
contract SessionKeyModule is ISessionKeyModule {
    using SessionKeyStorage for uint256;

    uint256 private constant SIG_VALIDATION_FAILED = 1;
    uint256 private constant MAX_U32 = 0xffffffff;

    // Canonical EntryPoints v0.6 to v0.9: a session op calling one could withdraw the account's deposit.
    address private constant ENTRYPOINT_V06 = 0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789;
    address private constant ENTRYPOINT_V07 = 0x0000000071727De22E5E9d8BAf0edAc6f37da032;
    address private constant ENTRYPOINT_V08 = 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108;
    address private constant ENTRYPOINT_V09 = 0x433709009B8330FDa32311DF1C2AFA402eD8D009;

    // ================================================================== ERC-7579 module

    /**
     * @notice Installs the module on the calling account, optionally with initial keys.
     * @param data Empty, or `abi.encode(address[] keys, bytes32[] tags, bytes[][] permissionUpdates)`.
     */
    function onInstall(bytes calldata data) external {
        address account = msg.sender;
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 state = $.accountState[account];
        if (state.installed()) revert ModuleAlreadyInitialized(account);
        $.accountState[account] = SessionKeyStorage.packAccountState(state.generation(), state.nextSessionId(), 0, true);
        if (data.length == 0) return;
        (address[] memory keys, bytes32[] memory tags, bytes[][] memory updates) =
            abi.decode(data, (address[], bytes32[], bytes[][]));
        if (keys.length != tags.length || keys.length != updates.length) {
            revert InitDataLengthMismatch(keys.length, tags.length, updates.length);
        }
        for (uint256 i; i < keys.length; ++i) {
            _addSessionKey(account, keys[i], tags[i], updates[i]);
        }
    }

    /// @notice Uninstalls the module: every key of the calling account is invalidated in O(1).
    function onUninstall(bytes calldata) external {
        _revokeAll(msg.sender, false);
    }

    /// @notice A validator (ERC-7579 module type 1).
    /// @param moduleTypeId The module type asked about.
    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_VALIDATOR;
    }

    /// @inheritdoc ISessionKeyModule
    function isInitialized(address account) external view returns (bool) {
        return SessionKeyStorage.layout().accountState[account].installed();
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
        (address sessionKey, uint256 statedTime, bool sigFailed) = _signerOf(userOp.signature, userOpHash);
        if (sessionKey == address(0)) return SIG_VALIDATION_FAILED;
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 record = $.keyRecords[$.accountState[msg.sender].generation()][sessionKey][msg.sender];
        if (record.sessionId() == 0) return SIG_VALIDATION_FAILED;

        uint256 window = TimeRange.ofKey(record);
        window = _checkCalls($, record, userOp.callData, statedTime, window);
        window = _checkPayment($, record, userOp, statedTime, window);
        return TimeRange.toValidationData(sigFailed, window);
    }

    /// @notice Session keys never sign for the account: a signed permit would bypass every limit.
    function isValidSignatureWithSender(address, bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }

    /// @dev The key and stated time of a session signature; key 0 when it cannot be read.
    function _signerOf(bytes calldata signature, bytes32 hash)
        private
        pure
        returns (address sessionKey, uint256 statedTime, bool sigFailed)
    {
        if (signature.length == 71) {
            statedTime = uint48(bytes6(signature[:6]));
            (sessionKey,,) = ECDSA.tryRecoverCalldata(hash, signature[6:]);
        } else if (signature.length == 91) {
            statedTime = uint48(bytes6(signature[:6]));
            sessionKey = address(bytes20(signature[6:26]));
            (address recovered,,) = ECDSA.tryRecoverCalldata(hash, signature[26:]);
            sigFailed = recovered != sessionKey;
        }
    }

    /// @dev Access list and ERC-20 limits per call, then the native token limit on the sum of the values.
    function _checkCalls(
        SessionKeyStorage.Layout storage $,
        uint256 record,
        bytes calldata callData,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        (bool isBatch, bytes calldata executionCalldata) = ExecutionParser.parse(callData);
        uint256 value;
        if (!isBatch) {
            (window, value) = _checkSingle($, record, executionCalldata, statedTime, window);
        } else {
            Execution[] calldata calls = ExecutionParser.batch(executionCalldata);
            for (uint256 i; i < calls.length; ++i) {
                value += calls[i].value;
                window = _checkCall($, record, calls[i].target, calls[i].callData, statedTime, window);
            }
        }
        if (value == 0 || record.flags() & SessionKeyStorage.FLAG_NATIVE_UNLIMITED != 0) return window;
        uint256 start;
        uint256 interval = record.nativeInterval();
        if (interval != 0) (window, start) = TimeRange.narrowToPeriod(window, statedTime, record.refreshAnchor(), interval);
        NativeSpendLimit.charge($.sessions[record.sessionId()][msg.sender], value, start);
        return window;
    }

    function _checkSingle(
        SessionKeyStorage.Layout storage $,
        uint256 record,
        bytes calldata executionCalldata,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256, uint256 value) {
        (address target, uint256 value_, bytes calldata data) = ExecutionParser.single(executionCalldata);
        return (_checkCall($, record, target, data, statedTime, window), value_);
    }

    /// @dev One call: never the account, the module or an EntryPoint; then the access list; then ERC-20 metering.
    function _checkCall(
        SessionKeyStorage.Layout storage $,
        uint256 record,
        address target,
        bytes calldata data,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        bytes4 selector = data.length >= 4 ? bytes4(data[:4]) : bytes4(0);
        (SessionKeyStorage.TargetSlots storage slots, uint256 entry) = _checkAccess($, record, target, selector);
        if (!Erc20SpendLimit.isLimited(entry)) return window;
        uint256 amount = Erc20SpendLimit.amountOf(target, selector, data);
        return _chargeErc20(slots, entry, record, target, amount, statedTime, window);
    }

    function _checkAccess(SessionKeyStorage.Layout storage $, uint256 record, address target, bytes4 selector)
        private
        view
        returns (SessionKeyStorage.TargetSlots storage slots, uint256 entry)
    {
        address account = msg.sender;
        if (target == account || target == address(0)) revert CallToAccountNotAllowed(target);
        if (target == address(this)) revert CallToModuleNotAllowed();
        if (_isEntryPoint(target)) revert CallToEntryPointNotAllowed();
        uint256 sessionId = record.sessionId();
        slots = $.targets[sessionId][target][account];
        entry = slots.accessEntry;
        AccessList.check($, record.listType(), entry, sessionId, target, selector, account);
    }

    function _chargeErc20(
        SessionKeyStorage.TargetSlots storage slots,
        uint256 entry,
        uint256 record,
        address token,
        uint256 amount,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        uint256 start;
        uint256 interval = Erc20SpendLimit.refreshInterval(entry);
        if (interval != 0) (window, start) = TimeRange.narrowToPeriod(window, statedTime, record.refreshAnchor(), interval);
        Erc20SpendLimit.charge(slots, token, amount, start);
        return window;
    }

    /// @dev The gas limit (when the account pays) and the required paymaster.
    function _checkPayment(
        SessionKeyStorage.Layout storage $,
        uint256 record,
        PackedUserOperation calldata userOp,
        uint256 statedTime,
        uint256 window
    ) private returns (uint256) {
        uint256 flags = record.flags();
        if (flags & SessionKeyStorage.FLAG_PAYMASTER_REQUIRED != 0) {
            RequiredPaymaster.check(userOp.paymasterAndData, $.sessions[record.sessionId()][msg.sender].requiredPaymaster);
        }
        if (flags & SessionKeyStorage.FLAG_GAS_UNLIMITED != 0) return window;
        uint256 cost = GasSpendLimit.maxCost(userOp);
        if (cost == 0) return window;
        uint256 start;
        uint256 interval = record.gasInterval();
        if (interval != 0) (window, start) = TimeRange.narrowToPeriod(window, statedTime, record.refreshAnchor(), interval);
        GasSpendLimit.charge($.sessions[record.sessionId()][msg.sender], cost, start);
        return window;
    }

    function _isEntryPoint(address target) private pure returns (bool) {
        return target == ENTRYPOINT_V08 || target == ENTRYPOINT_V07 || target == ENTRYPOINT_V09
            || target == ENTRYPOINT_V06;
    }

    // ================================================================== management

    modifier onlyInstalled() {
        if (!SessionKeyStorage.layout().accountState[msg.sender].installed()) revert NotInstalled(msg.sender);
        _;
    }

    /// @inheritdoc ISessionKeyModule
    function addSessionKey(address sessionKey, bytes32 tag, bytes[] calldata permissionUpdates)
        external
        onlyInstalled
    {
        _addSessionKey(msg.sender, sessionKey, tag, permissionUpdates);
    }

    /// @inheritdoc ISessionKeyModule
    function removeSessionKey(address sessionKey) external onlyInstalled {
        address account = msg.sender;
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 state = $.accountState[account];
        uint256 gen = state.generation();
        uint256 record = _existingRecord($, gen, sessionKey, account);

        uint256 last = state.keyCount() - 1;
        uint256 index = record.index();
        if (index != last) {
            address moved = $.keyList[gen][last][account];
            $.keyList[gen][index][account] = moved;
            $.keyRecords[gen][moved][account] = $.keyRecords[gen][moved][account].withIndex(index);
        }
        delete $.keyList[gen][last][account];
        delete $.keyRecords[gen][sessionKey][account];
        $.accountState[account] =
            SessionKeyStorage.packAccountState(gen, state.nextSessionId(), last, true);
        emit SessionKeyRemoved(account, sessionKey, $.sessions[record.sessionId()][account].tag);
    }

    /// @inheritdoc ISessionKeyModule
    function rotateSessionKey(address oldSessionKey, address newSessionKey) external onlyInstalled {
        address account = msg.sender;
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 gen = $.accountState[account].generation();
        uint256 record = _existingRecord($, gen, oldSessionKey, account);
        _requireNewKey($, gen, newSessionKey, account);

        $.keyRecords[gen][newSessionKey][account] = record;
        delete $.keyRecords[gen][oldSessionKey][account];
        $.keyList[gen][record.index()][account] = newSessionKey;
        emit SessionKeyRotated(account, oldSessionKey, newSessionKey, $.sessions[record.sessionId()][account].tag);
    }

    /// @inheritdoc ISessionKeyModule
    function updateKeyPermissions(address sessionKey, bytes[] calldata updates) external onlyInstalled {
        address account = msg.sender;
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 gen = $.accountState[account].generation();
        uint256 record = _existingRecord($, gen, sessionKey, account);
        $.keyRecords[gen][sessionKey][account] = _applyUpdates($, account, record, updates);
        emit SessionKeyPermissionsUpdated(account, sessionKey, $.sessions[record.sessionId()][account].tag, updates);
    }

    /// @inheritdoc ISessionKeyModule
    function revokeAllSessionKeys() external onlyInstalled {
        _revokeAll(msg.sender, true);
    }

    function _addSessionKey(address account, address sessionKey, bytes32 tag, bytes[] memory updates) private {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 state = $.accountState[account];
        uint256 gen = state.generation();
        _requireNewKey($, gen, sessionKey, account);

        uint256 sessionId = state.nextSessionId() + 1;
        uint256 index = state.keyCount();
        if (sessionId > MAX_U32) revert CounterExhausted();
        $.accountState[account] = SessionKeyStorage.packAccountState(gen, sessionId, index + 1, true);
        $.keyList[gen][index][account] = sessionKey;
        if (tag != 0) $.sessions[sessionId][account].tag = tag;
        // A new key starts with an empty allowlist and zero native and gas limits: it can do nothing.
        $.keyRecords[gen][sessionKey][account] = _applyUpdates($, account, sessionId | (index << 224), updates);

        emit SessionKeyAdded(account, sessionKey, tag);
        if (updates.length != 0) emit SessionKeyPermissionsUpdated(account, sessionKey, tag, updates);
    }

    function _revokeAll(address account, bool requireInstalled) private {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 state = $.accountState[account];
        if (requireInstalled && !state.installed()) revert NotInstalled(account);
        uint256 gen = state.generation() + 1;
        if (gen > MAX_U32) revert CounterExhausted();
        $.accountState[account] = SessionKeyStorage.packAccountState(gen, state.nextSessionId(), 0, requireInstalled);
        emit AllSessionKeysRevoked(account, gen);
    }

    function _existingRecord(SessionKeyStorage.Layout storage $, uint256 gen, address sessionKey, address account)
        private
        view
        returns (uint256 record)
    {
        record = $.keyRecords[gen][sessionKey][account];
        if (record.sessionId() == 0) revert SessionKeyNotFound(sessionKey);
    }

    function _requireNewKey(SessionKeyStorage.Layout storage $, uint256 gen, address sessionKey, address account)
        private
        view
    {
        if (sessionKey == address(0)) revert InvalidSessionKey();
        if ($.keyRecords[gen][sessionKey][account].sessionId() != 0) revert SessionKeyAlreadyExists(sessionKey);
    }

    // ================================================================== permission updates

    /// @dev Applies encoded {ISessionKeyPermissionUpdates} calls; returns the updated KeyRecord (stored by the caller).
    /// Any malformed or out-of-range update reverts the whole call, so nothing stored is ever half-updated.
    function _applyUpdates(
        SessionKeyStorage.Layout storage $,
        address account,
        uint256 record,
        bytes[] memory updates
    ) private returns (uint256) {
        uint256 sessionId = record.sessionId();
        for (uint256 i; i < updates.length; ++i) {
            bytes memory update = updates[i];
            bytes4 selector = update.length >= 4 ? bytes4(update) : bytes4(0);
            if (selector == Updates.setAccessListType.selector) {
                uint256 listType = _arg(update, 0, 1, i);
                if (listType > uint256(AccessListType.ALLOW_ALL)) revert InvalidAccessListType(listType);
                record = record.withFlags((record.flags() & ~uint256(3)) | listType);
            } else if (selector == Updates.updateAccessListAddressEntry.selector) {
                _updateAddressEntry($, account, sessionId, update, i);
            } else if (selector == Updates.updateAccessListFunctionEntry.selector) {
                _updateFunctionEntry($, account, sessionId, update, i);
            } else if (selector == Updates.setTimeRange.selector) {
                uint256 from = _timestampArg(update, 0, 2, i);
                uint256 until = _timestampArg(update, 1, 2, i);
                if (until != 0 && from > until) revert InvalidTimeRange(from, until);
                record = record.withTimeRange(from, until);
            } else if (selector == Updates.setNativeTokenSpendLimit.selector) {
                SessionKeyStorage.SessionSlots storage slots = $.sessions[sessionId][account];
                slots.nativeBudget = SpendBudget.withLimit(slots.nativeBudget, _limitArg(update, 0, 2, i));
                record = record.withNativeInterval(_intervalArg(update, 1, 2, i));
                record = record.withFlags(record.flags() & ~SessionKeyStorage.FLAG_NATIVE_UNLIMITED);
            } else if (selector == Updates.removeNativeTokenSpendLimit.selector) {
                _noArgs(update, i);
                record = record.withFlags(record.flags() | SessionKeyStorage.FLAG_NATIVE_UNLIMITED);
            } else if (selector == Updates.setErc20SpendLimit.selector) {
                _setErc20SpendLimit($, account, sessionId, update, i);
            } else if (selector == Updates.removeErc20SpendLimit.selector) {
                address token = _targetArg(update, 0, 1, i, account);
                SessionKeyStorage.TargetSlots storage slots = $.targets[sessionId][token][account];
                slots.accessEntry = Erc20SpendLimit.withLimit(slots.accessEntry, false, 0);
            } else if (selector == Updates.setGasSpendLimit.selector) {
                SessionKeyStorage.SessionSlots storage slots = $.sessions[sessionId][account];
                slots.gasBudget = SpendBudget.withLimit(slots.gasBudget, _limitArg(update, 0, 2, i));
                record = record.withGasInterval(_intervalArg(update, 1, 2, i));
                record = record.withFlags(record.flags() & ~SessionKeyStorage.FLAG_GAS_UNLIMITED);
            } else if (selector == Updates.removeGasSpendLimit.selector) {
                _noArgs(update, i);
                record = record.withFlags(record.flags() | SessionKeyStorage.FLAG_GAS_UNLIMITED);
            } else if (selector == Updates.setRequiredPaymaster.selector) {
                address paymaster = _addressArg(update, 0, 1, i);
                $.sessions[sessionId][account].requiredPaymaster = paymaster;
                uint256 flags = record.flags() & ~SessionKeyStorage.FLAG_PAYMASTER_REQUIRED;
                if (paymaster != address(0)) flags |= SessionKeyStorage.FLAG_PAYMASTER_REQUIRED;
                record = record.withFlags(flags);
            } else if (selector == Updates.setRefreshAnchor.selector) {
                record = record.withRefreshAnchor(_timestampArg(update, 0, 1, i));
            } else {
                revert UnknownPermissionUpdate(i, selector);
            }
        }
        return record;
    }

    function _updateAddressEntry(
        SessionKeyStorage.Layout storage $,
        address account,
        uint256 sessionId,
        bytes memory update,
        uint256 i
    ) private {
        address target = _targetArg(update, 0, 3, i, account);
        SessionKeyStorage.TargetSlots storage slots = $.targets[sessionId][target][account];
        slots.accessEntry =
            AccessList.withContractEntry(slots.accessEntry, _boolArg(update, 1, 3, i), _boolArg(update, 2, 3, i));
    }

    function _updateFunctionEntry(
        SessionKeyStorage.Layout storage $,
        address account,
        uint256 sessionId,
        bytes memory update,
        uint256 i
    ) private {
        address target = _targetArg(update, 0, 3, i, account);
        uint256 word = _arg(update, 1, 3, i);
        if (word << 32 != 0) revert MalformedPermissionUpdate(i); // bytes4 is left-aligned, the rest must be zero
        bool isOnList = _boolArg(update, 2, 3, i);
        SessionKeyStorage.TargetSlots storage slots = $.targets[sessionId][target][account];
        slots.accessEntry =
            AccessList.updateSelector($, slots.accessEntry, sessionId, target, bytes4(bytes32(word)), isOnList, account);
    }

    function _setErc20SpendLimit(
        SessionKeyStorage.Layout storage $,
        address account,
        uint256 sessionId,
        bytes memory update,
        uint256 i
    ) private {
        address token = _targetArg(update, 0, 3, i, account);
        SessionKeyStorage.TargetSlots storage slots = $.targets[sessionId][token][account];
        slots.erc20Budget = SpendBudget.withLimit(slots.erc20Budget, _limitArg(update, 1, 3, i));
        slots.accessEntry = Erc20SpendLimit.withLimit(slots.accessEntry, true, _intervalArg(update, 2, 3, i));
    }

    /// @dev Word `n` of an update with exactly `count` static arguments, or MalformedPermissionUpdate.
    function _arg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (uint256 word) {
        if (update.length != 4 + 32 * count) revert MalformedPermissionUpdate(i);
        assembly ("memory-safe") {
            word := mload(add(update, add(36, mul(n, 32))))
        }
    }

    function _noArgs(bytes memory update, uint256 i) private pure {
        if (update.length != 4) revert MalformedPermissionUpdate(i);
    }

    function _boolArg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (bool) {
        uint256 word = _arg(update, n, count, i);
        if (word > 1) revert MalformedPermissionUpdate(i);
        return word == 1;
    }

    function _addressArg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (address) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint160).max) revert MalformedPermissionUpdate(i);
        return address(uint160(word));
    }

    /// @dev A contract an entry or limit may name: not zero, the account, this module or an EntryPoint.
    function _targetArg(bytes memory update, uint256 n, uint256 count, uint256 i, address account)
        private
        view
        returns (address target)
    {
        target = _addressArg(update, n, count, i);
        if (target == address(0) || target == account || target == address(this) || _isEntryPoint(target)) {
            revert InvalidTarget(target);
        }
    }

    function _timestampArg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (uint256) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint48).max) revert MalformedPermissionUpdate(i);
        if (word > TimeRange.MAX_TIMESTAMP) revert TimestampOutOfRange(word);
        return word;
    }

    function _limitArg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (uint256) {
        uint256 word = _arg(update, n, count, i);
        if (word > SpendBudget.MAX_LIMIT) revert SpendLimitTooLarge(word);
        return word;
    }

    function _intervalArg(bytes memory update, uint256 n, uint256 count, uint256 i) private pure returns (uint256) {
        uint256 word = _arg(update, n, count, i);
        if (word > type(uint48).max) revert MalformedPermissionUpdate(i);
        if (word > MAX_U32) revert RefreshIntervalTooLarge(word);
        return word;
    }

    // ================================================================== reads

    /// @inheritdoc ISessionKeyModule
    function sessionKeysOf(address account) external view returns (address[] memory keys) {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 state = $.accountState[account];
        uint256 gen = state.generation();
        keys = new address[](state.keyCount());
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = $.keyList[gen][i][account];
        }
    }

    /// @inheritdoc ISessionKeyModule
    function isSessionKeyOf(address account, address sessionKey) public view returns (bool) {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        return $.keyRecords[$.accountState[account].generation()][sessionKey][account].sessionId() != 0;
    }

    /// @inheritdoc ISessionKeyModule
    function getSessionKeyInfo(address account, address sessionKey) external view returns (SessionKeyInfo memory info) {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 record = _existingRecord($, $.accountState[account].generation(), sessionKey, account);
        SessionKeyStorage.SessionSlots storage slots = $.sessions[record.sessionId()][account];
        uint256 flags = record.flags();
        uint256 anchor = record.refreshAnchor();
        info.tag = slots.tag;
        info.validFrom = uint48(record.validFrom());
        info.validUntil = uint48(record.validUntil());
        info.accessListType = AccessListType(record.listType());
        info.refreshAnchor = uint48(anchor);
        info.nativeTokenSpend = _status(
            flags & SessionKeyStorage.FLAG_NATIVE_UNLIMITED == 0, slots.nativeBudget, record.nativeInterval(), anchor
        );
        info.gasSpend =
            _status(flags & SessionKeyStorage.FLAG_GAS_UNLIMITED == 0, slots.gasBudget, record.gasInterval(), anchor);
        info.requiredPaymaster = slots.requiredPaymaster;
    }

    /// @inheritdoc ISessionKeyModule
    function getAccessListEntry(address account, address sessionKey, address target)
        external
        view
        returns (bool isOnList, bool checkSelectors)
    {
        uint256 entry = _accessEntry(account, sessionKey, target);
        return (AccessList.onList(entry), AccessList.checksSelectors(entry));
    }

    /// @inheritdoc ISessionKeyModule
    function isSelectorOnAccessList(address account, address sessionKey, address target, bytes4 selector)
        external
        view
        returns (bool)
    {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 sessionId = _existingRecord($, $.accountState[account].generation(), sessionKey, account).sessionId();
        return AccessList.hasSelector($, $.targets[sessionId][target][account].accessEntry, sessionId, target, selector, account);
    }

    /// @inheritdoc ISessionKeyModule
    function getErc20SpendLimit(address account, address sessionKey, address token)
        external
        view
        returns (SpendLimitStatus memory)
    {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 record = _existingRecord($, $.accountState[account].generation(), sessionKey, account);
        SessionKeyStorage.TargetSlots storage slots = $.targets[record.sessionId()][token][account];
        uint256 entry = slots.accessEntry;
        return _status(
            Erc20SpendLimit.isLimited(entry), slots.erc20Budget, Erc20SpendLimit.refreshInterval(entry), record.refreshAnchor()
        );
    }

    function _accessEntry(address account, address sessionKey, address target) private view returns (uint256) {
        SessionKeyStorage.Layout storage $ = SessionKeyStorage.layout();
        uint256 record = _existingRecord($, $.accountState[account].generation(), sessionKey, account);
        return $.targets[record.sessionId()][target][account].accessEntry;
    }

    /// @dev A limit's state now (views may read the clock; validation never does).
    function _status(bool hasLimit, uint256 budget, uint256 interval, uint256 anchor)
        private
        view
        returns (SpendLimitStatus memory status)
    {
        status.hasLimit = hasLimit;
        status.limit = SpendBudget.limit(budget);
        status.refreshInterval = uint48(interval);
        uint256 start;
        if (interval != 0) {
            uint256 end;
            (start, end) = TimeRange.period(block.timestamp, anchor, interval);
            status.periodStart = uint48(start);
            status.nextRefresh = uint48(end + 1);
        }
        status.used = SpendBudget.usedIn(budget, start);
        status.remaining = status.used >= status.limit ? 0 : status.limit - status.used;
    }
}
