// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation, IAccountExecute} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {
    Execution,
    IERC7579Execution,
    IERC7579ModuleConfig,
    MODULE_TYPE_VALIDATOR
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ERC7579Utils} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev callData must be exactly `execute(mode, executionCalldata)`, single or batch, default exec type, canonical.
contract ExecutionParsingTest is UnitBase {
    bytes4 internal constant EXECUTE = IERC7579Execution.execute.selector;

    function setUp() public override {
        super.setUp();
        // Allow-all with unlimited value and gas: only the parsing rules can refuse an op.
        _addKey(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _noNativeLimit(), _noGasLimit()));
    }

    function _unsupportedFunction(bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.UnsupportedAccountFunction.selector, selector);
    }

    function _unsupportedMode(bytes32 mode) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.UnsupportedExecutionMode.selector, mode);
    }

    function _malformed() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.MalformedExecutionCalldata.selector);
    }

    function _single() internal view returns (bytes memory) {
        return abi.encodePacked(address(target), uint256(0), hex"01");
    }

    // ---------------------------------------------------------------- accepted forms

    function test_single_accepted() public {
        assertEq(_runCall(_executeSingle(address(target), 5, hex"aabbccdd")), 0);
        _sendSession(_executeSingle(address(target), 5, hex"aabbccdd"));
        assertEq(target.calls(), 1);
        assertEq(target.received(), 5);
        assertEq(target.lastSelector(), bytes4(0xaabbccdd));
    }

    function test_singleWithEmptyData_accepted() public {
        // Exactly 52 bytes of execution calldata: target ‖ value.
        assertEq(
            _runCall(
                abi.encodeCall(IERC7579Execution.execute, (bytes32(0), abi.encodePacked(address(target), uint256(0))))
            ),
            0
        );
    }

    function test_batch_accepted() public {
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(target), 1, hex"01");
        calls[1] = Execution(address(target2), 2, "");
        assertEq(_runCall(_executeBatch(calls)), 0);
        _sendSession(_executeBatch(calls));
        assertEq(target.received(), 1);
        assertEq(target2.received(), 2);
    }

    // ---------------------------------------------------------------- other account functions

    function test_otherAccountFunctions_refused() public {
        bytes memory install =
            abi.encodeCall(IERC7579ModuleConfig.installModule, (MODULE_TYPE_VALIDATOR, address(target), ""));
        _expectRunRevert(install, _unsupportedFunction(IERC7579ModuleConfig.installModule.selector));
        bytes memory uninstall =
            abi.encodeCall(IERC7579ModuleConfig.uninstallModule, (MODULE_TYPE_VALIDATOR, address(module), ""));
        _expectRunRevert(uninstall, _unsupportedFunction(IERC7579ModuleConfig.uninstallModule.selector));
        bytes memory fromExecutor = abi.encodeCall(IERC7579Execution.executeFromExecutor, (bytes32(0), _single()));
        _expectRunRevert(fromExecutor, _unsupportedFunction(IERC7579Execution.executeFromExecutor.selector));
        PackedUserOperation memory inner;
        bytes memory executeUserOp = abi.encodeCall(IAccountExecute.executeUserOp, (inner, bytes32(0)));
        _expectRunRevert(executeUserOp, _unsupportedFunction(IAccountExecute.executeUserOp.selector));
        _expectRunRevert(abi.encodeWithSelector(bytes4(0xdeadbeef), uint256(1)), _unsupportedFunction(0xdeadbeef));
    }

    function test_emptyOrShortCallData_refused() public {
        _expectRunRevert("", _unsupportedFunction(bytes4(0)));
        _expectRunRevert(hex"e9ae5c", _unsupportedFunction(bytes4(0))); // 3 bytes of execute's selector
    }

    function test_otherAccountFunction_endToEnd() public {
        bytes memory install =
            abi.encodeCall(IERC7579ModuleConfig.installModule, (MODULE_TYPE_VALIDATOR, address(target), ""));
        PackedUserOperation memory op = _signedOp(install, sessionKeyPk, block.timestamp);
        _expectAA23(0, _unsupportedFunction(IERC7579ModuleConfig.installModule.selector));
        _handleOp(op);
    }

    // ---------------------------------------------------------------- modes

    function test_delegatecall_refused() public {
        bytes memory callData =
            _executeWithMode(ERC7579Utils.CALLTYPE_DELEGATECALL, ERC7579Utils.EXECTYPE_DEFAULT, _single());
        bytes32 mode = bytes32(uint256(0xff) << 248);
        _expectRunRevert(callData, _unsupportedMode(mode));
        PackedUserOperation memory op = _signedOp(callData, sessionKeyPk, block.timestamp);
        _expectAA23(0, _unsupportedMode(mode));
        _handleOp(op);
    }

    function test_staticcall_refused() public {
        bytes32 mode = bytes32(uint256(0xfe) << 248); // ERC-7579 static call type
        _expectRunRevert(abi.encodeCall(IERC7579Execution.execute, (mode, _single())), _unsupportedMode(mode));
    }

    function test_tryExecType_refused() public {
        bytes memory callData = _executeWithMode(ERC7579Utils.CALLTYPE_SINGLE, ERC7579Utils.EXECTYPE_TRY, _single());
        _expectRunRevert(callData, _unsupportedMode(bytes32(uint256(1) << 240)));
        Execution[] memory calls = new Execution[](1);
        calls[0] = Execution(address(target), 0, "");
        callData = _executeWithMode(ERC7579Utils.CALLTYPE_BATCH, ERC7579Utils.EXECTYPE_TRY, abi.encode(calls));
        _expectRunRevert(callData, _unsupportedMode(bytes32((uint256(1) << 248) | (uint256(1) << 240))));
    }

    function test_modeSelectorAndPayloadBits_refused() public {
        bytes32[4] memory modes = [
            bytes32(uint256(1) << 232), // unused bytes
            bytes32(uint256(0xdeadbeef) << 176), // mode selector
            bytes32(uint256(1)), // payload
            bytes32((uint256(1) << 248) | 1) // batch with payload
        ];
        for (uint256 i; i < modes.length; ++i) {
            bytes memory callData = abi.encodeCall(IERC7579Execution.execute, (modes[i], _single()));
            _expectRunRevert(callData, _unsupportedMode(modes[i]));
        }
    }

    // ---------------------------------------------------------------- encoding

    function test_nonCanonicalOffset_refused() public {
        bytes memory exec = _single();
        // Valid ABI (the account would decode it), but the bytes argument is not at offset 0x40.
        bytes memory callData =
            abi.encodePacked(EXECUTE, bytes32(0), uint256(0x60), uint256(0), uint256(exec.length), exec, bytes11(0));
        (bool ok,) = address(this).call(abi.encodeCall(this.decodeExecute, (callData)));
        assertTrue(ok);
        _expectRunRevert(callData, _malformed());
    }

    /// @dev Helper: succeeds iff `callData` ABI-decodes as execute(bytes32, bytes).
    function decodeExecute(bytes calldata callData) external pure returns (bytes32, bytes memory) {
        return abi.decode(callData[4:], (bytes32, bytes));
    }

    function test_tooShortCallData_refused() public {
        _expectRunRevert(abi.encodePacked(EXECUTE, bytes32(0), uint256(0x40)), _malformed());
        _expectRunRevert(abi.encodePacked(EXECUTE, bytes32(0), uint256(0x40), bytes31(0)), _malformed());
    }

    function test_lengthBeyondCallData_refused() public {
        bytes memory exec = _single();
        bytes memory callData = abi.encodePacked(EXECUTE, bytes32(0), uint256(0x40), uint256(exec.length + 1), exec);
        _expectRunRevert(callData, _malformed());
    }

    function test_singleShorterThan52Bytes_refused() public {
        bytes memory callData =
            abi.encodeCall(IERC7579Execution.execute, (bytes32(0), abi.encodePacked(address(target), bytes31(0))));
        _expectRunRevert(callData, _malformed());
    }

    function test_emptyBatch_refused() public {
        Execution[] memory calls = new Execution[](0);
        _expectRunRevert(_executeBatch(calls), abi.encodeWithSelector(ISessionKeyModule.EmptyBatch.selector));
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.EmptyBatch.selector));
        _handleOp(op);
    }

    function test_undecodableBatch_refused() public {
        // The module reads batches itself, canonically: what OpenZeppelin's decoder refuses, it refuses too.
        bytes memory callData =
            abi.encodeCall(IERC7579Execution.execute, (bytes32(uint256(1) << 248), abi.encodePacked(uint128(1))));
        _expectRunRevert(callData, _malformed());
        // An array length pointing past the end.
        callData = abi.encodeCall(
            IERC7579Execution.execute, (bytes32(uint256(1) << 248), abi.encodePacked(uint256(0x20), uint256(5)))
        );
        _expectRunRevert(callData, _malformed());
    }

    // ---------------------------------------------------------------- canonical encoding only (issue 13)

    /// @dev abi.encode(Execution[]) of two calls, with the words a test then changes: [0] 0x20, [1] n, [2], [3] heads,
    /// call 0 at words 4..8 (target, value, 0x60, length 1, data), call 1 at words 9..12 (length 0, no data).
    function _twoCalls() internal view returns (bytes memory exec) {
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(target), 1, hex"01");
        calls[1] = Execution(address(target2), 2, "");
        exec = abi.encode(calls);
        assertEq(exec.length, 13 * 32);
        assertEq(_wordAt(exec, 2), 0x40);
        assertEq(_wordAt(exec, 3), 0xe0);
    }

    function _wordAt(bytes memory data, uint256 word) internal pure returns (uint256 value) {
        assembly ("memory-safe") {
            value := mload(add(add(data, 0x20), mul(word, 0x20)))
        }
    }

    function _setWord(bytes memory data, uint256 word, uint256 value) internal pure returns (bytes memory) {
        assembly ("memory-safe") {
            mstore(add(add(data, 0x20), mul(word, 0x20)), value)
        }
        return data;
    }

    function _batchCall(bytes memory exec) internal pure returns (bytes memory) {
        return abi.encodeCall(IERC7579Execution.execute, (bytes32(uint256(1) << 248), exec));
    }

    function test_canonicalBatch_accepted() public {
        assertEq(_runCall(_batchCall(_twoCalls())), 0);
    }

    function test_batch_arrayNotAt0x20_refused() public {
        // OpenZeppelin's decoder takes any in-bounds array offset; the canonical encoding has 0x20.
        bytes memory exec = abi.encodePacked(uint256(0x40), uint256(0), _twoCalls());
        _expectRunRevert(_batchCall(exec), _malformed());
    }

    function test_batch_negativeElementPointer_refused() public {
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 2, uint256(-int256(0x100)))), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 3, type(uint256).max)), _malformed());
    }

    function test_batch_pointerPastTheEnd_refused() public {
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 3, 0x1000)), _malformed());
    }

    function test_batch_elementsOutOfOrderOrOverlapping_refused() public {
        // Both pointers at the first element (overlap), or swapped.
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 3, 0x40)), _malformed());
        bytes memory swapped = _setWord(_setWord(_twoCalls(), 2, 0xe0), 3, 0x40);
        _expectRunRevert(_batchCall(swapped), _malformed());
    }

    function test_batch_gapBetweenElements_refused() public {
        // A word inserted after call 0's data, with call 1's pointer moved past it.
        bytes memory exec = _twoCalls();
        bytes memory gapped = new bytes(exec.length + 32);
        for (uint256 i; i < 9 * 32; ++i) {
            gapped[i] = exec[i];
        }
        for (uint256 i = 9 * 32; i < exec.length; ++i) {
            gapped[i + 32] = exec[i];
        }
        _setWord(gapped, 3, 0x100);
        _expectRunRevert(_batchCall(gapped), _malformed());
    }

    function test_batch_trailingBytes_refused() public {
        _expectRunRevert(_batchCall(abi.encodePacked(_twoCalls(), uint256(0))), _malformed());
        _expectRunRevert(_batchCall(abi.encodePacked(_twoCalls(), bytes1(0))), _malformed());
    }

    function test_batch_dataOffsetNot0x60_refused() public {
        // Call 0's data offset, relative to the element: 0x60 in the canonical encoding.
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 6, 0x80)), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 6, uint256(-int256(0x20)))), _malformed());
    }

    function test_batch_dataLengthPastTheRegion_refused() public {
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 7, 0x41)), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 7, type(uint256).max)), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 12, 1)), _malformed());
    }

    function test_batch_dirtyTargetWord_refused() public {
        uint256 dirty = uint256(uint160(address(target))) | (uint256(1) << 200);
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 4, dirty)), _malformed());
    }

    function test_batch_countBeyondTheRegion_refused() public {
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 1, 3)), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 1, type(uint256).max)), _malformed());
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 1, uint256(1) << 251)), _malformed());
    }

    function test_batch_fewerCallsThanEncoded_refused() public {
        // A count of one leaves the second call as trailing bytes (and the first head is not right after the heads).
        _expectRunRevert(_batchCall(_setWord(_twoCalls(), 1, 1)), _malformed());
    }

    function test_executeArgument_unpaddedOrTrailing_refused() public {
        bytes memory exec = _single(); // 53 bytes
        // Canonical: padded to 64 bytes.
        bytes memory canonical = abi.encodeCall(IERC7579Execution.execute, (bytes32(0), exec));
        assertEq(_runCall(canonical), 0);
        _expectRunRevert(abi.encodePacked(canonical, uint256(0)), _malformed());
        bytes memory unpadded = abi.encodePacked(EXECUTE, bytes32(0), uint256(0x40), uint256(exec.length), exec);
        _expectRunRevert(unpadded, _malformed());
    }
}
