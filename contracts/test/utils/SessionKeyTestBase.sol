// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../src/account/LeashAccount.sol";
import {DevToken} from "../../src/dev/DevToken.sol";
import {ISessionKeyModule} from "../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../src/session/interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates, AccessListType} from
    "../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {LeashTestBase} from "./LeashTestBase.sol";

/// @dev A deployed account with the session key module installed, a token, and helpers to grant permissions and to
/// build, sign and send session ops.
abstract contract SessionKeyTestBase is LeashTestBase {
    uint256 internal constant DAY = 1 days;
    uint256 internal constant WEEK = 7 days;
    bytes4 internal constant TRANSFER = 0xa9059cbb;
    bytes4 internal constant APPROVE = 0x095ea7b3;

    ISessionKeyModule internal module;
    ISessionKeyLens internal lens;
    LeashAccount internal account;
    address internal owner;
    uint256 internal ownerKey;
    DevToken internal token;
    address internal sessionKey;
    uint256 internal sessionKeyPk;
    address internal recipient;

    function setUp() public virtual {
        vm.warp(1_750_000_000); // a realistic clock: periods and windows are computed from it
        _setUpEntryPoint();
        // From the compiled artifact: tests never import the module's source, so only the module itself compiles
        // through the (slow) via-IR pipeline.
        module = _deployModule();
        lens = ISessionKeyLens(deployCode("SessionKeyLens.sol:SessionKeyLens"));
        (owner, ownerKey) = makeAddrAndKey("owner");
        account = factory.createAccount(owner, 0);
        vm.deal(address(account), 100 ether);
        token = new DevToken("USD Coin", "USDC", 6);
        token.mint(address(account), 1_000_000e6);
        (sessionKey, sessionKeyPk) = makeAddrAndKey("sessionKey");
        recipient = makeAddr("recipient");
        vm.prank(address(account));
        account.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
    }

    /// @dev A session key module with its own permission updater.
    function _deployModule() internal returns (ISessionKeyModule) {
        address updater = deployCode("PermissionUpdater.sol:PermissionUpdater");
        return ISessionKeyModule(deployCode("SessionKeyModule.sol:SessionKeyModule", abi.encode(updater)));
    }

    // ---------------------------------------------------------------- permission updates

    function _one(bytes memory update) internal pure returns (bytes[] memory updates) {
        updates = new bytes[](1);
        updates[0] = update;
    }

    function _allowTarget(address target) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.updateAccessListAddressEntry, (target, true, false));
    }

    function _allowTargetWithSelectors(address target) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.updateAccessListAddressEntry, (target, true, true));
    }

    function _allowSelector(address target, bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.updateAccessListFunctionEntry, (target, selector, true));
    }

    function _listType(AccessListType listType) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setAccessListType, (listType));
    }

    function _erc20Limit(address erc20, uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setErc20SpendLimit, (erc20, limit, uint48(interval)));
    }

    function _nativeLimit(uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setNativeTokenSpendLimit, (limit, uint48(interval)));
    }

    function _gasLimit(uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setGasSpendLimit, (limit, uint48(interval)));
    }

    function _noGasLimit() internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeGasSpendLimit, ());
    }

    function _noNativeLimit() internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeNativeTokenSpendLimit, ());
    }

    function _timeRange(uint256 validFrom, uint256 validUntil) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setTimeRange, (uint48(validFrom), uint48(validUntil)));
    }

    /// @dev The benchmark's full permission set: allowlist with the token and its transfer selector, a weekly ERC-20
    /// limit, a time range and a daily gas limit.
    function _fullPermissionSet(uint256 erc20Limit, uint256 gasLimit) internal view returns (bytes[] memory updates) {
        updates = new bytes[](5);
        updates[0] = _allowTargetWithSelectors(address(token));
        updates[1] = _allowSelector(address(token), TRANSFER);
        updates[2] = _erc20Limit(address(token), erc20Limit, WEEK);
        updates[3] = _timeRange(block.timestamp - 1 hours, block.timestamp + 365 days);
        updates[4] = _gasLimit(gasLimit, DAY);
    }

    function _addKey(address key, bytes[] memory updates) internal {
        vm.prank(address(account));
        module.addSessionKey(key, bytes32("test"), updates);
    }

    function _update(address key, bytes[] memory updates) internal {
        vm.prank(address(account));
        module.updateKeyPermissions(key, updates);
    }

    // ---------------------------------------------------------------- session ops

    function _sessionOp(bytes memory callData) internal view returns (PackedUserOperation memory op) {
        op = _userOp(address(account), entryPoint.getNonce(address(account), _nonceKey(address(module), 0)), callData);
    }

    function _signSession(PackedUserOperation memory op, uint256 pk, uint256 statedTime)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(pk, _sessionDigest(entryPoint.getUserOpHash(op), statedTime));
        return abi.encodePacked(uint32(statedTime), r, s, v);
    }

    /// @dev Signs with the session key at the current time and sends through the EntryPoint.
    function _sendSession(bytes memory callData) internal {
        PackedUserOperation memory op = _sessionOp(callData);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _handleOp(op);
    }

    /// @dev Sends one op through the EntryPoint; returns whether handleOps accepted it (validation passed).
    function _trySend(PackedUserOperation memory op) internal returns (bool) {
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = op;
        try entryPoint.handleOps(ops, beneficiary) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Runs validation as the account would (without the EntryPoint), returning the validation data.
    function _validate(PackedUserOperation memory op) internal returns (uint256) {
        // Hash first: an external call made after vm.prank would use up the prank.
        bytes32 hash = entryPoint.getUserOpHash(op);
        vm.prank(address(account));
        return module.validateUserOp(op, hash);
    }

    /// @dev Expects the module's validation of `op` (as the account runs it) to revert with exactly `revertData`.
    function _expectValidateRevert(PackedUserOperation memory op, bytes memory revertData) internal {
        bytes32 hash = entryPoint.getUserOpHash(op);
        vm.prank(address(account));
        vm.expectRevert(revertData);
        module.validateUserOp(op, hash);
    }

    /// @dev Every field of a spend limit status, named `what` in failures.
    function _assertStatusEq(
        ISessionKeyLens.SpendLimitStatus memory actual,
        ISessionKeyLens.SpendLimitStatus memory expected,
        string memory what
    ) internal pure {
        assertEq(actual.hasLimit, expected.hasLimit, string.concat(what, ".hasLimit"));
        assertEq(actual.limit, expected.limit, string.concat(what, ".limit"));
        assertEq(actual.used, expected.used, string.concat(what, ".used"));
        assertEq(actual.remaining, expected.remaining, string.concat(what, ".remaining"));
        assertEq(actual.refreshInterval, expected.refreshInterval, string.concat(what, ".refreshInterval"));
        assertEq(actual.periodStart, expected.periodStart, string.concat(what, ".periodStart"));
        assertEq(actual.nextRefresh, expected.nextRefresh, string.concat(what, ".nextRefresh"));
    }

    function _validateCall(bytes memory callData) internal returns (uint256) {
        PackedUserOperation memory op = _sessionOp(callData);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        return _validate(op);
    }

    function _transferCall(address to, uint256 amount) internal view returns (bytes memory) {
        return _executeSingle(address(token), 0, abi.encodeCall(token.transfer, (to, amount)));
    }
}
