// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {ERC7579Utils, Mode, CallType, ExecType, ModeSelector, ModePayload} from
    "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {Execution, IERC7579Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../src/account/LeashAccount.sol";
import {LeashAccountFactory} from "../../src/account/LeashAccountFactory.sol";

/// @dev The EntryPoint v0.8 functions the tests use beyond OpenZeppelin's IEntryPoint.
interface IEntryPointV08 is IEntryPoint {
    struct DepositInfo {
        uint256 deposit;
        bool staked;
        uint112 stake;
        uint32 unstakeDelaySec;
        uint48 withdrawTime;
    }

    function getUserOpHash(PackedUserOperation calldata userOp) external view returns (bytes32);
    function getDepositInfo(address account) external view returns (DepositInfo memory info);
}

/// @dev Shared set-up: EntryPoint v0.8 at its canonical address (deployed from the published artifact through the
/// deterministic deployer, as on a real chain), a factory, and helpers to build, sign and send user ops.
abstract contract LeashTestBase is Test {
    bytes32 internal constant ENTRYPOINT_SALT = 0x0a59dbff790c23c976a548690c27297883cc66b4c67024f9117b0238995e35e9;
    address internal constant CREATE2_DEPLOYER = 0x4e59b44847b379578588920cA78FbF26c0B4956C;

    IEntryPointV08 internal entryPoint;
    LeashAccountFactory internal factory;
    address payable internal beneficiary;

    function _setUpEntryPoint() internal {
        entryPoint = IEntryPointV08(address(ERC4337Utils.ENTRYPOINT_V08));
        if (address(entryPoint).code.length == 0) {
            string memory artifact =
                vm.readFile("../node_modules/@account-abstraction/contracts/artifacts/EntryPoint.json");
            bytes memory initCode = vm.parseJsonBytes(artifact, ".bytecode");
            (bool ok,) = CREATE2_DEPLOYER.call(abi.encodePacked(ENTRYPOINT_SALT, initCode));
            require(ok && address(entryPoint).code.length != 0, "EntryPoint v0.8 deployment failed");
        }
        factory = new LeashAccountFactory(address(this));
        beneficiary = payable(makeAddr("beneficiary"));
    }

    // ---------------------------------------------------------------- user ops

    function _packGas(uint256 high, uint256 low) internal pure returns (bytes32) {
        return bytes32((high << 128) | low);
    }

    function _userOp(address sender, uint256 nonce, bytes memory callData)
        internal
        pure
        returns (PackedUserOperation memory op)
    {
        op.sender = sender;
        op.nonce = nonce;
        op.callData = callData;
        op.accountGasLimits = _packGas(500_000, 500_000); // verificationGasLimit ‖ callGasLimit
        op.preVerificationGas = 50_000;
        op.gasFees = _packGas(1 gwei, 2 gwei); // maxPriorityFeePerGas ‖ maxFeePerGas
    }

    function _initCode(address owner, uint256 salt) internal view returns (bytes memory) {
        return abi.encodePacked(address(factory), abi.encodeCall(LeashAccountFactory.createAccount, (owner, salt)));
    }

    function _signOp(PackedUserOperation memory op, uint256 privateKey) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, entryPoint.getUserOpHash(op));
        return abi.encodePacked(r, s, v);
    }

    /// @dev The digest a session key signs for an op (SessionSignature): keccak256(userOpHash ‖ uint32 statedTime),
    /// computed here independently of the module's assembly.
    function _sessionDigest(bytes32 userOpHash, uint256 statedTime) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(userOpHash, uint32(statedTime)));
    }

    function _handleOp(PackedUserOperation memory op) internal {
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = op;
        entryPoint.handleOps(ops, beneficiary);
    }

    /// @dev The nonce of `validator`'s lane `lane` (OZ AccountERC7579: validator address ‖ 4-byte lane ‖ sequence).
    function _nonceKey(address validator, uint32 lane) internal pure returns (uint192) {
        return uint192((uint256(uint160(validator)) << 32) | lane);
    }

    // ---------------------------------------------------------------- ERC-7579 execute encoding

    function _executeSingle(address target, uint256 value, bytes memory data) internal pure returns (bytes memory) {
        return abi.encodeCall(IERC7579Execution.execute, (bytes32(0), abi.encodePacked(target, value, data)));
    }

    function _executeBatch(Execution[] memory calls) internal pure returns (bytes memory) {
        Mode mode = ERC7579Utils.encodeMode(
            ERC7579Utils.CALLTYPE_BATCH, ERC7579Utils.EXECTYPE_DEFAULT, ModeSelector.wrap(0), ModePayload.wrap(0)
        );
        return abi.encodeCall(IERC7579Execution.execute, (Mode.unwrap(mode), abi.encode(calls)));
    }

    function _executeWithMode(CallType callType, ExecType execType, bytes memory executionCalldata)
        internal
        pure
        returns (bytes memory)
    {
        Mode mode = ERC7579Utils.encodeMode(callType, execType, ModeSelector.wrap(0), ModePayload.wrap(0));
        return abi.encodeCall(IERC7579Execution.execute, (Mode.unwrap(mode), executionCalldata));
    }
}
