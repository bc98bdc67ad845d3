// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm, VmSafe} from "forge-std/Vm.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";
import {AccountReading, EncodingMutator, ModuleReading} from "./CallReadings.sol";

/**
 * @dev Issue 13, one reading of the calls: the module and the account decode the same callData in different calldata
 * contexts. For adversarial encodings (negative, past-the-end, overlapping, out-of-order pointers, gaps, trailing
 * bytes, lengths past the region, dirty words and padding, random corruption), and ops whose other fields shift where
 * callData sits, whenever the module accepts an encoding both readings must be identical, and every canonical
 * encoding must be accepted. Then the same through the real EntryPoint and account: the calls the account makes are
 * exactly those the module read, and a refused op changes nothing.
 */
contract CallReadingDifferentialTest is UnitBase {
    AccountReading internal accountReading;
    ModuleReading internal moduleReading;
    address[] internal targets;

    function setUp() public override {
        super.setUp();
        accountReading = new AccountReading();
        moduleReading = new ModuleReading();
        // Plain addresses: a call to one always succeeds, whatever its data.
        for (uint256 i; i < 3; ++i) {
            targets.push(makeAddr(string.concat("target", vm.toString(i))));
        }
        bytes[] memory updates = new bytes[](2);
        updates[0] = _listType(AccessListType.ALLOW_ALL);
        updates[1] = _noNativeLimit();
        _addKeyWithGas(sessionKey, updates);
    }

    /// @dev The op around `callData`, with other fields of fuzzed lengths in front of and behind it.
    function _op(bytes memory callData, uint256 initCodeLength, uint256 paymasterLength, uint256 signatureLength)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        op = _sessionOp(callData);
        op.initCode = new bytes(initCodeLength % 300);
        op.paymasterAndData = new bytes(paymasterLength % 300);
        op.signature = new bytes(signatureLength % 200);
        for (uint256 i; i < op.initCode.length; ++i) {
            op.initCode[i] = bytes1(uint8(i * 7 + 1));
        }
        for (uint256 i; i < op.signature.length; ++i) {
            op.signature[i] = bytes1(uint8(i * 13 + 5));
        }
    }

    function _moduleReads(PackedUserOperation memory op) internal view returns (bool ok, Execution[] memory calls) {
        try moduleReading.validateUserOp(op, bytes32(0)) returns (Execution[] memory read) {
            return (true, read);
        } catch {
            return (false, calls);
        }
    }

    function _accountReads(bytes memory callData) internal view returns (bool ok, Execution[] memory calls) {
        bytes memory result;
        (ok, result) = address(accountReading).staticcall(callData);
        if (ok) calls = abi.decode(result, (Execution[]));
    }

    /// @dev Lengths of the op's other dynamic fields, which move callData within the module's calldata.
    struct OpShape {
        uint256 initCodeLength;
        uint256 paymasterLength;
        uint256 signatureLength;
    }

    /// forge-config: default.fuzz.runs = 1000
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_whatTheModuleAcceptsTheAccountReadsAlike(uint256 seed, uint256 mutation, OpShape memory shape)
        public
        view
    {
        bytes memory callData = EncodingMutator.build(targets, seed, mutation);
        (bool moduleOk, Execution[] memory moduleCalls) =
            _moduleReads(_op(callData, shape.initCodeLength, shape.paymasterLength, shape.signatureLength));
        if (EncodingMutator.keepsCanonical(mutation % EncodingMutator.MUTATIONS)) assertTrue(moduleOk, "canonical refused");
        if (moduleOk) _assertAccountReads(callData, moduleCalls);
    }

    function _assertAccountReads(bytes memory callData, Execution[] memory moduleCalls) internal view {
        (bool accountOk, Execution[] memory accountCalls) = _accountReads(callData);
        assertTrue(accountOk, "the account cannot read what the module accepted");
        assertEq(abi.encode(accountCalls), abi.encode(moduleCalls), "readings differ");
    }

    /// forge-config: default.fuzz.runs = 1000
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_theAccountRunsExactlyWhatTheModuleChecked(uint256 seed, uint256 mutation) public {
        PackedUserOperation memory op = _sessionOp(EncodingMutator.build(targets, seed, mutation));
        op.accountGasLimits = _packGas(1_000_000, 1_000_000);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        (bool moduleOk, Execution[] memory moduleCalls) = _moduleReads(op);
        bytes memory before = abi.encode(address(account).balance, _info(sessionKey));
        uint256 balance = address(account).balance;
        vm.recordLogs();
        vm.startStateDiffRecording();
        bool ran = _trySend(op);
        Execution[] memory made = _callsMadeByTheAccount(vm.stopAndReturnStateDiff());
        if (ran) {
            assertTrue(moduleOk, "the module refused an op the EntryPoint ran");
            if (_executed()) {
                assertEq(abi.encode(made), abi.encode(moduleCalls), "ran other calls than the module checked");
            } else {
                // Calls to plain addresses never revert: a run can only fail for lack of ether (a random word
                // overwrite can make a value huge), never because the account read other calls.
                assertGt(_valueOf(moduleCalls), balance, "the account failed to run calls the module checked");
            }
        } else {
            assertFalse(moduleOk, "the module refused what its reading accepts");
            assertFalse(EncodingMutator.keepsCanonical(mutation % EncodingMutator.MUTATIONS), "canonical refused");
            assertEq(made.length, 0, "a refused op ran calls");
            assertEq(abi.encode(address(account).balance, _info(sessionKey)), before, "a refused op changed state");
        }
    }

    /// @dev The calls the account made (besides validating with the module and paying the EntryPoint), in order.
    function _callsMadeByTheAccount(Vm.AccountAccess[] memory accesses) internal view returns (Execution[] memory made) {
        made = new Execution[](accesses.length);
        uint256 n;
        for (uint256 i; i < accesses.length; ++i) {
            Vm.AccountAccess memory a = accesses[i];
            if (a.kind != VmSafe.AccountAccessKind.Call || a.accessor != address(account) || a.reverted) continue;
            if (a.account == address(module) || a.account == address(entryPoint)) continue;
            made[n++] = Execution(a.account, a.value, a.data);
        }
        assembly ("memory-safe") {
            mstore(made, n)
        }
    }

    /// @dev The success flag of the recorded UserOperationEvent.
    function _executed() internal returns (bool success) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 topic = keccak256("UserOperationEvent(bytes32,address,address,uint256,bool,uint256,uint256)");
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == topic) {
                (, success,,) = abi.decode(logs[i].data, (uint256, bool, uint256, uint256));
                return success;
            }
        }
        revert("no UserOperationEvent");
    }

    function _valueOf(Execution[] memory calls) internal pure returns (uint256 total) {
        for (uint256 i; i < calls.length; ++i) {
            if (calls[i].value > type(uint256).max - total) return type(uint256).max;
            total += calls[i].value;
        }
    }
}
