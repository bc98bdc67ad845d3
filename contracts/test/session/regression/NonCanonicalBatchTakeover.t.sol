// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IERC7579Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";
import {AdversarialEncodings} from "../../utils/AdversarialEncodings.sol";

/// @dev Issue 13: a batch whose pointers leave their region is read one way by the module (inside the
/// PackedUserOperation) and another way by the account (callData as its whole calldata). Every attack is sent
/// through the real EntryPoint v0.8 to the real account, and must be refused with nothing changed: balances,
/// allowances, budgets.
contract NonCanonicalBatchTakeoverTest is UnitBase {
    address internal attacker;

    function setUp() public override {
        super.setUp();
        attacker = makeAddr("attacker");
    }

    /// @dev A key with a 1 ETH native limit and a 100-token ERC-20 limit, under `listType`.
    function _addLimitedKey(AccessListType listType) internal {
        bytes[] memory updates = new bytes[](4);
        updates[0] = _listType(listType);
        updates[1] = _nativeLimit(1 ether, 0);
        updates[2] = _erc20Limit(address(token), 100e6, 0);
        updates[3] = _noGasLimit();
        if (listType == AccessListType.DENYLIST) {
            // A denylist naming something else: the attack's target is not on it.
            updates[3] = _entry(makeAddr("denied"), true, false);
            _addKeyWithGas(sessionKey, updates);
        } else {
            _addKey(sessionKey, updates);
        }
    }

    /// @dev Everything the attack could change.
    function _state() internal view returns (bytes memory) {
        return abi.encode(
            address(account).balance,
            attacker.balance,
            token.balanceOf(address(account)),
            token.balanceOf(attacker),
            token.allowance(address(account), attacker),
            lens.getSessionKeyInfo(address(module), address(account), sessionKey),
            lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(token)),
            lens.sessionKeysOf(address(module), address(account))
        );
    }

    /// @dev Sends `callData` as a session op through the EntryPoint: it must be refused as malformed, changing nothing.
    function _assertRefused(bytes memory callData) internal {
        bytes memory before = _state();
        PackedUserOperation memory op = _sessionOp(callData);
        op.accountGasLimits = _packGas(2_000_000, 2_000_000);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.MalformedExecutionCalldata.selector));
        _handleOp(op);
        assertEq(_state(), before, "state changed");
    }

    function _drainEther() internal view returns (bytes memory) {
        return abi.encodeCall(IERC7579Execution.execute, (bytes32(0), abi.encodePacked(attacker, uint256(90 ether))));
    }

    function _drainToken() internal view returns (bytes memory) {
        bytes memory transfer = abi.encodeCall(token.transfer, (attacker, 500_000e6));
        return abi.encodeCall(IERC7579Execution.execute, (bytes32(0), abi.encodePacked(address(token), uint256(0), transfer)));
    }

    function test_allowAll_negativeElementPointer_selfCallDrainingEther_refused() public {
        _addLimitedKey(AccessListType.ALLOW_ALL);
        _assertRefused(AdversarialEncodings.negativeElementPointerBatch(_drainEther()));
        assertEq(attacker.balance, 0);
    }

    function test_denylist_negativeElementPointer_selfCallDrainingEther_refused() public {
        _addLimitedKey(AccessListType.DENYLIST);
        _assertRefused(AdversarialEncodings.negativeElementPointerBatch(_drainEther()));
        assertEq(attacker.balance, 0);
    }

    function test_allowAll_negativeElementPointer_selfCallMovingTokens_refused() public {
        _addLimitedKey(AccessListType.ALLOW_ALL);
        _assertRefused(AdversarialEncodings.negativeElementPointerBatch(_drainToken()));
        assertEq(token.balanceOf(attacker), 0);
    }

    function test_denylist_negativeElementPointer_selfCallMovingTokens_refused() public {
        _addLimitedKey(AccessListType.DENYLIST);
        _assertRefused(AdversarialEncodings.negativeElementPointerBatch(_drainToken()));
        assertEq(token.balanceOf(attacker), 0);
    }

    function test_allowlist_negativeElementPointer_refused() public {
        bytes[] memory updates = new bytes[](2);
        updates[0] = _allowTarget(address(target));
        updates[1] = _nativeLimit(1 ether, 0);
        _addKeyWithGas(sessionKey, updates);
        _assertRefused(AdversarialEncodings.negativeElementPointerBatch(_drainEther()));
    }

    /// @dev The low finding: the account sends empty data to a contract whose empty calls the denylist denies, while
    /// the module checked other data.
    function test_denylist_negativeDataOffset_emptyCallToDeniedSelector_refused() public {
        bytes[] memory updates = new bytes[](3);
        updates[0] = _listType(AccessListType.DENYLIST);
        updates[1] = _entry(address(target), true, true);
        updates[2] = _fn(address(target), bytes4(0), true); // deny empty calls (receive) on target
        _addKeyWithGas(sessionKey, updates);
        // The honest empty call is denied...
        _expectRunRevert(
            _call(address(target), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), bytes4(0))
        );
        // ...and so is the disguised one.
        _assertRefused(AdversarialEncodings.negativeDataOffsetBatch(address(target)));
        assertEq(target.calls(), 0);
    }
}
