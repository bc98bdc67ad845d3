// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC7579Validator} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";

/**
 * @title ISessionKeyModule
 * @notice An ERC-7579 validator that lets an account's owner add session keys with scoped permissions, enforced while
 * the EntryPoint validates each user op a session key signs. Every management function acts on the calling account.
 * A key's state is read through {ISessionKeyLens}.
 */
interface ISessionKeyModule is IERC7579Validator {
    // ------------------------------------------------------------------ events

    /// @notice A key was added, with its initial permission updates (concatenated, as in
    /// {SessionKeyPermissionsUpdated}).
    event SessionKeyAdded(address indexed account, address indexed sessionKey, bytes32 indexed tag, bytes updates);
    /// @notice A key was removed.
    event SessionKeyRemoved(address indexed account, address indexed sessionKey, bytes32 indexed tag);
    /// @notice A key's permissions and spend state moved to a new key.
    event SessionKeyRotated(address indexed account, address indexed oldSessionKey, address indexed newSessionKey, bytes32 tag);
    /// @notice A key's permissions were updated. `updates` are the applied
    /// {ISessionKeyPermissionUpdates} calls, concatenated: each is `selector ‖ 32 × arguments` bytes, so its length
    /// follows from its selector.
    event SessionKeyPermissionsUpdated(address indexed account, address indexed sessionKey, bytes32 indexed tag, bytes updates);
    /// @notice Every key of the account was invalidated (revoke-all or uninstall).
    event AllSessionKeysRevoked(address indexed account, uint256 generation);

    // ------------------------------------------------------------------ management errors

    /// @notice The account has not installed the module.
    error NotInstalled(address account);
    /// @notice The module is already installed on the account (ERC-7579).
    error ModuleAlreadyInitialized(address account);
    /// @notice The account has used every generation (2^32 - 1) or session id (2^24 - 1) the module can store.
    error CounterExhausted();
    /// @notice The key already exists on the account.
    error SessionKeyAlreadyExists(address sessionKey);
    /// @notice The key does not exist on the account.
    error SessionKeyNotFound(address sessionKey);
    /// @notice The zero address cannot be a session key.
    error InvalidSessionKey();
    /// @notice Install data must be empty or `abi.encode(address[] keys, bytes32[] tags, bytes[][] permissionUpdates)`.
    error MalformedInitData();
    /// @notice Install data must hold as many tags and permission lists as keys.
    error InitDataLengthMismatch(uint256 keys, uint256 tags, uint256 permissions);
    /// @notice The update's selector names no known permission update.
    error UnknownPermissionUpdate(uint256 index, bytes4 selector);
    /// @notice The update is not a well-formed encoding of its permission update.
    error MalformedPermissionUpdate(uint256 index);
    /// @notice The list of updates is not in the canonical ABI encoding (offsets or lengths outside it, out of order,
    /// gaps, overlaps or trailing bytes).
    error MalformedPermissionUpdateList();
    /// @notice The access list type must be 0 (allowlist), 1 (denylist) or 2 (allow-all).
    error InvalidAccessListType(uint256 listType);
    /// @notice Access list entries and limits cannot name the zero address, the account or the module.
    error InvalidTarget(address target);
    /// @notice validFrom is after validUntil.
    error InvalidTimeRange(uint256 validFrom, uint256 validUntil);
    /// @notice A timestamp (seconds) is beyond what the module stores (2^32 - 1, in 2106).
    error TimestampOutOfRange(uint256 timestamp);
    /// @notice A limit is beyond what the module stores for its kind (`maximum`); remove the limit for "no limit".
    error SpendLimitTooLarge(uint256 spendLimit, uint256 maximum);
    /// @notice A refresh interval is beyond what the module stores (2^32 - 1 seconds).
    error RefreshIntervalTooLarge(uint256 refreshInterval);
    /// @notice More function entries on one contract than the module stores (2^24 - 1).
    error TooManyFunctionEntries(address target);

    // ------------------------------------------------------------------ validation errors (revert during validation)

    /// @notice callData must be the account's `execute`.
    error UnsupportedAccountFunction(bytes4 selector);
    /// @notice Only single and batch calls with the default exec type are allowed (no delegatecall, try or static call).
    error UnsupportedExecutionMode(bytes32 mode);
    /// @notice The execute calldata is not in the canonical ABI encoding (an offset or length outside its region,
    /// elements out of order, gaps, overlaps, trailing bytes or dirty address words).
    error MalformedExecutionCalldata();
    /// @notice A dynamic field of the op (callData, paymasterAndData, signature) does not lie inside calldata.
    error MalformedUserOperation();
    /// @notice A batch must hold at least one call.
    error EmptyBatch();
    /// @notice Session keys can never call the account itself (address(0) executes as the account too).
    error CallToAccountNotAllowed(address target);
    /// @notice Under ALLOW_ALL or DENYLIST access a key never calls a validator or executor installed on the account:
    /// such a module trusts calls from the account, so the key could make itself its signer or operator. An allowlist
    /// may name one explicitly.
    error CallToAccountModuleNotAllowed(address module, uint256 moduleType);
    /// @notice Session keys can never call the session key module.
    error CallToModuleNotAllowed();
    /// @notice Session keys can never call the EntryPoint (the deposit is the account's).
    error CallToEntryPointNotAllowed();
    /// @notice The contract is not on the key's allowlist.
    error TargetNotOnAllowlist(address target);
    /// @notice The contract is on the key's denylist.
    error TargetOnDenylist(address target);
    /// @notice The contract's allowlist entry checks selectors and this one is not listed.
    error SelectorNotOnAllowlist(address target, bytes4 selector);
    /// @notice The contract's denylist entry checks selectors and this one is listed.
    error SelectorOnDenylist(address target, bytes4 selector);
    /// @notice On a token with a spend limit only `transfer(address,uint256)` and `approve(address,uint256)` may be called.
    error Erc20FunctionNotAllowed(address token, bytes4 selector);
    /// @notice The call would take the token's spend beyond its limit.
    error Erc20SpendLimitExceeded(address token, uint256 limit, uint256 used, uint256 attempted);
    /// @notice The calls' values would take the native token spend beyond its limit.
    error NativeTokenSpendLimitExceeded(uint256 limit, uint256 used, uint256 attempted);
    /// @notice The op's maximum gas cost would take the gas spend beyond its limit.
    error GasSpendLimitExceeded(uint256 limit, uint256 used, uint256 attempted);
    /// @notice The op is not paid by the paymaster the key requires.
    error RequiredPaymasterMissing(address required, address actual);
    /// @notice The op's calls (each call of a batch counts) would take the key beyond its call limit.
    error CallLimitExceeded(uint256 limit, uint256 used, uint256 attempted);

    // ------------------------------------------------------------------ management

    /// @notice Adds a session key to the calling account.
    /// @param sessionKey The key's address.
    /// @param tag A label of the owner's choice (emitted and readable; e.g. the app's name).
    /// @param permissionUpdates Encoded {ISessionKeyPermissionUpdates} calls; with none the key can do nothing.
    function addSessionKey(address sessionKey, bytes32 tag, bytes[] calldata permissionUpdates) external;

    /// @notice Removes a session key. Adding it again later starts from defaults, with fresh spend counters.
    function removeSessionKey(address sessionKey) external;

    /// @notice Moves a key's tag, permissions and spend state to a new key, and removes the old key.
    /// @dev Refused if `newSessionKey` is already a key.
    function rotateSessionKey(address oldSessionKey, address newSessionKey) external;

    /// @notice Applies permission updates to a key; what they do not name stays as it is.
    function updateKeyPermissions(address sessionKey, bytes[] calldata updates) external;

    /// @notice Invalidates every session key of the calling account in O(1).
    function revokeAllSessionKeys() external;

    // ------------------------------------------------------------------ reads

    /// @notice Whether `account` has installed the module (ERC-7579).
    function isInitialized(address account) external view returns (bool);

    /// @notice A raw storage word of the module, for the lens ({ISessionKeyLens}), which decodes every key's state.
    function extsload(bytes32 slot) external view returns (bytes32);
}
