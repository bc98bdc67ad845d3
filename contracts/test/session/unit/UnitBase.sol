// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEntryPoint, IPaymaster, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyTestBase} from "../../utils/SessionKeyTestBase.sol";

/// @dev A contract session ops call: records every call it receives (any selector, with or without data).
contract CallTarget {
    uint256 public calls;
    bytes4 public lastSelector;
    uint256 public lastDataLength;
    uint256 public received;

    fallback() external payable {
        ++calls;
        lastSelector = msg.data.length >= 4 ? bytes4(msg.data) : bytes4(0);
        lastDataLength = msg.data.length;
        received += msg.value;
    }

    receive() external payable {
        ++calls;
        lastSelector = bytes4(0);
        lastDataLength = 0;
        received += msg.value;
    }
}

/// @dev A paymaster that sponsors every op (for tests only).
contract AcceptAllPaymaster is IPaymaster {
    uint256 public validations;

    function validatePaymasterUserOp(PackedUserOperation calldata, bytes32, uint256)
        external
        returns (bytes memory context, uint256 validationData)
    {
        ++validations;
        return ("", 0);
    }

    function postOp(PostOpMode, bytes calldata, uint256, uint256) external {}
}

/// @dev Shared helpers of the session key unit and regression tests.
abstract contract UnitBase is SessionKeyTestBase {
    bytes32 internal constant TAG = bytes32("test"); // the tag SessionKeyTestBase._addKey uses
    uint256 internal constant MAX_TIMESTAMP = (1 << 32) - 1;
    uint256 internal constant MAX_NATIVE_LIMIT = (1 << 96) - 1;
    uint256 internal constant MAX_ERC20_LIMIT = (1 << 96) - 1;
    uint256 internal constant MAX_GAS_LIMIT = ((1 << 42) - 1) * 1e9;
    uint256 internal constant MAX_INTERVAL = (1 << 32) - 1;

    bytes4 internal constant TRANSFER_FROM = 0x23b872dd; // transferFrom(address,address,uint256)
    bytes4 internal constant INCREASE_ALLOWANCE = 0x39509351; // increaseAllowance(address,uint256)
    bytes4 internal constant PERMIT = 0xd505accf; // permit(address,address,uint256,uint256,uint8,bytes32,bytes32)

    address internal constant EP_V06 = 0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789;
    address internal constant EP_V07 = 0x0000000071727De22E5E9d8BAf0edAc6f37da032;
    address internal constant EP_V08 = 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108;
    address internal constant EP_V09 = 0x433709009B8330FDa32311DF1C2AFA402eD8D009;

    /// Max cost of an op built by LeashTestBase._userOp without a paymaster: (500k + 500k + 50k) × 2 gwei.
    uint256 internal constant DEFAULT_OP_COST = 1_050_000 * 2 gwei;

    CallTarget internal target;
    CallTarget internal target2;

    function setUp() public virtual override {
        super.setUp();
        target = new CallTarget();
        target2 = new CallTarget();
    }

    // ---------------------------------------------------------------- validation data

    /// @dev ERC-4337 validation data: sigFailed in the low 160 bits, validUntil at 160, validAfter at 208.
    function _vd(bool sigFailed, uint256 validAfter, uint256 validUntil) internal pure returns (uint256) {
        return (sigFailed ? 1 : 0) | (validUntil << 160) | (validAfter << 208);
    }

    /// @dev Start of the period of `interval` containing `t`, periods `[anchor + k·interval, anchor + (k+1)·interval)`
    /// (computed independently of the module's formula).
    function _periodStart(uint256 t, uint256 anchor, uint256 interval) internal pure returns (uint256) {
        if (t >= anchor) return anchor + ((t - anchor) / interval) * interval;
        uint256 back = (anchor - t + interval - 1) / interval;
        return anchor - back * interval;
    }

    // ---------------------------------------------------------------- permission update encoders

    function _updates(bytes memory a, bytes memory b) internal pure returns (bytes[] memory u) {
        u = new bytes[](2);
        u[0] = a;
        u[1] = b;
    }

    function _updates(bytes memory a, bytes memory b, bytes memory c) internal pure returns (bytes[] memory u) {
        u = new bytes[](3);
        u[0] = a;
        u[1] = b;
        u[2] = c;
    }

    function _updates(bytes memory a, bytes memory b, bytes memory c, bytes memory d)
        internal
        pure
        returns (bytes[] memory u)
    {
        u = new bytes[](4);
        u[0] = a;
        u[1] = b;
        u[2] = c;
        u[3] = d;
    }

    function _none() internal pure returns (bytes[] memory) {
        return new bytes[](0);
    }

    function _entry(address t, bool isOnList, bool checkSelectors) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.updateAccessListAddressEntry, (t, isOnList, checkSelectors));
    }

    function _fn(address t, bytes4 selector, bool isOnList) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.updateAccessListFunctionEntry, (t, selector, isOnList));
    }

    function _removeErc20Limit(address erc20) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeErc20SpendLimit, (erc20));
    }

    function _paymaster(address paymaster) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setRequiredPaymaster, (paymaster));
    }

    function _anchor(uint256 anchor) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setRefreshAnchor, (uint48(anchor)));
    }

    /// @dev Adds `key` with `updates` and an unlimited gas budget (so EntryPoint flows are not stopped by gas).
    function _addKeyWithGas(address key, bytes[] memory updates) internal {
        bytes[] memory all = new bytes[](updates.length + 1);
        for (uint256 i; i < updates.length; ++i) {
            all[i] = updates[i];
        }
        all[updates.length] = _noGasLimit();
        _addKey(key, all);
    }

    // ---------------------------------------------------------------- session ops

    function _signedOp(bytes memory callData, uint256 pk, uint256 statedTime)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        op = _sessionOp(callData);
        op.signature = _signSession(op, pk, statedTime);
    }

    /// @dev A session op on `lane` with an explicit nonce sequence (for several ops of one bundle).
    function _laneOp(bytes memory callData, uint32 lane, uint64 sequence)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        uint256 nonce = (uint256(_nonceKey(address(module), lane)) << 64) | sequence;
        op = _userOp(address(account), nonce, callData);
    }

    /// @dev The 89-byte estimation form: statedTime ‖ sessionKey ‖ ECDSA signature by `pk`.
    function _sign89(PackedUserOperation memory op, uint256 pk, address key, uint256 statedTime)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(pk, _sessionDigest(entryPoint.getUserOpHash(op), statedTime));
        return abi.encodePacked(uint32(statedTime), key, r, s, v);
    }

    /// @dev Runs the module's validation as the account does (msg.sender = account), without the EntryPoint.
    /// (SessionKeyTestBase._validate cannot be used: its vm.prank is consumed by the getUserOpHash call made while
    /// evaluating the arguments, so the module sees the test contract as the account and returns 1.)
    function _run(PackedUserOperation memory op) internal returns (uint256) {
        return _runOn(address(account), op);
    }

    function _runOn(address account_, PackedUserOperation memory op) internal returns (uint256) {
        bytes32 hash = entryPoint.getUserOpHash(op);
        vm.prank(account_);
        return module.validateUserOp(op, hash);
    }

    function _runCall(bytes memory callData) internal returns (uint256) {
        return _run(_signedOp(callData, sessionKeyPk, block.timestamp));
    }

    function _runAt(bytes memory callData, uint256 statedTime) internal returns (uint256) {
        return _run(_signedOp(callData, sessionKeyPk, statedTime));
    }

    function _runAs(bytes memory callData, uint256 pk) internal returns (uint256) {
        return _run(_signedOp(callData, pk, block.timestamp));
    }

    function _expectRunRevert(bytes memory callData, bytes memory revertData) internal {
        _expectValidateRevert(_signedOp(callData, sessionKeyPk, block.timestamp), revertData);
    }

    function _handleOps(PackedUserOperation[] memory ops) internal {
        entryPoint.handleOps(ops, beneficiary);
    }

    function _two(PackedUserOperation memory a, PackedUserOperation memory b)
        internal
        pure
        returns (PackedUserOperation[] memory ops)
    {
        ops = new PackedUserOperation[](2);
        ops[0] = a;
        ops[1] = b;
    }

    /// @dev The next handleOps must revert because validation of op `opIndex` reverted with `inner`.
    function _expectAA23(uint256 opIndex, bytes memory inner) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IEntryPoint.FailedOpWithRevert.selector, opIndex, "AA23 reverted", inner)
        );
    }

    function _expectFailedOp(uint256 opIndex, string memory reason) internal {
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, opIndex, reason));
    }

    // ---------------------------------------------------------------- calls

    function _call(address to, uint256 value, bytes memory data) internal pure returns (bytes memory) {
        return _executeSingle(to, value, data);
    }

    function _approveCall(address spender, uint256 amount) internal view returns (bytes memory) {
        return _executeSingle(address(token), 0, abi.encodeCall(token.approve, (spender, amount)));
    }

    // ---------------------------------------------------------------- paymaster

    function _newPaymaster() internal returns (AcceptAllPaymaster paymaster) {
        paymaster = new AcceptAllPaymaster();
        entryPoint.depositTo{value: 10 ether}(address(paymaster));
    }

    function _paymasterAndData(address paymaster, uint256 verificationGas, uint256 postOpGas)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(paymaster, uint128(verificationGas), uint128(postOpGas));
    }

    // ---------------------------------------------------------------- state snapshots

    /// @dev Everything the module reports about `key` on `account_` for `t` and the token (reverts if no key).
    function _keyState(address account_, address key, address t) internal view returns (bytes memory) {
        return abi.encode(_entries(account_, key, t), _selectors(account_, key, t), _limits(account_, key, t));
    }

    function _entries(address account_, address key, address t) private view returns (bytes memory) {
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), account_, key);
        return abi.encode(info, _entry(account_, key, t), _entry(account_, key, address(token)), _everything(account_, key));
    }

    function _entry(address account_, address key, address t) private view returns (bytes memory) {
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), account_, key, t);
        return abi.encode(onList, checks);
    }

    /// @dev The key list, and the lens's whole view of the key (its targets, their function entries and budgets).
    function _everything(address account_, address key) private view returns (bytes memory) {
        return abi.encode(lens.sessionKeysOf(address(module), account_), lens.getSessionKey(address(module), account_, key));
    }

    function _selectors(address account_, address key, address t) private view returns (bytes memory) {
        return abi.encode(
            lens.isSelectorOnAccessList(address(module), account_, key, t, TRANSFER),
            lens.isSelectorOnAccessList(address(module), account_, key, t, APPROVE),
            lens.isSelectorOnAccessList(address(module), account_, key, t, bytes4(0))
        );
    }

    function _limits(address account_, address key, address t) private view returns (bytes memory) {
        return abi.encode(lens.getErc20SpendLimit(address(module), account_, key, t), lens.getErc20SpendLimit(address(module), account_, key, address(token)));
    }

    function _keyState(address key) internal view returns (bytes memory) {
        return _keyState(address(account), key, address(target));
    }

    function _installModuleOn(LeashAccount acct) internal {
        vm.prank(address(acct));
        acct.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
    }

    function _assertStatus(
        ISessionKeyLens.SpendLimitStatus memory s,
        bool hasLimit,
        uint256 limit,
        uint256 used,
        uint256 remaining,
        uint256 interval,
        uint256 periodStart,
        uint256 nextRefresh
    ) internal pure {
        assertEq(s.hasLimit, hasLimit, "hasLimit");
        assertEq(s.limit, limit, "limit");
        assertEq(s.used, used, "used");
        assertEq(s.remaining, remaining, "remaining");
        assertEq(s.refreshInterval, interval, "refreshInterval");
        assertEq(s.periodStart, periodStart, "periodStart");
        assertEq(s.nextRefresh, nextRefresh, "nextRefresh");
    }

    function _erc20Status(address key) internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        return lens.getErc20SpendLimit(address(module), address(account), key, address(token));
    }

    function _info(address key) internal view returns (ISessionKeyLens.SessionKeyInfo memory) {
        return lens.getSessionKeyInfo(address(module), address(account), key);
    }
}
