// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a session signature replayed on another account that has the same key, or on another chain.
/// The signed userOpHash binds the sender, the chain id and the EntryPoint.
contract SignatureReplayTest is UnitBase {
    LeashAccount internal account2;
    uint256 internal homeChain; // read once: the optimizer may re-read block.chainid after vm.chainId

    function setUp() public override {
        super.setUp();
        homeChain = block.chainid;
        account2 = factory.createAccount(owner, 2);
        vm.deal(address(account2), 10 ether);
        _installModuleOn(account2);
        // The same key with the same permissions on both accounts.
        bytes[] memory updates = _updates(_allowTarget(recipient), _nativeLimit(1 ether, 0), _noGasLimit());
        _addKey(sessionKey, updates);
        vm.prank(address(account2));
        module.addSessionKey(sessionKey, TAG, updates);
    }

    function test_replayOnAnotherAccount() public {
        PackedUserOperation memory op = _signedOp(_call(recipient, 1 ether, ""), sessionKeyPk, block.timestamp);
        // A copy (memory structs alias) with account 2 as sender and the same signature.
        PackedUserOperation memory replay = _sessionOp(_call(recipient, 1 ether, ""));
        replay.sender = address(account2);
        replay.signature = op.signature;
        // Same nonce value on account 2 (its lane 0 is also fresh).
        assertEq(entryPoint.getNonce(address(account2), _nonceKey(address(module), 0)), op.nonce);
        assertTrue(entryPoint.getUserOpHash(replay) != entryPoint.getUserOpHash(op));
        assertEq(_runOn(address(account2), replay), 1);

        uint256 before2 = address(account2).balance;
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(replay);
        assertEq(address(account2).balance, before2);
        assertEq(lens.getSessionKeyInfo(address(module), address(account2), sessionKey).nativeTokenSpend.used, 0);

        // The original still works on its own account.
        _handleOp(op);
        assertEq(recipient.balance, 1 ether);
    }

    function test_replayOnAnotherChain() public {
        PackedUserOperation memory op = _signedOp(_call(recipient, 1 ether, ""), sessionKeyPk, block.timestamp);
        bytes32 hashHere = entryPoint.getUserOpHash(op);
        vm.chainId(homeChain + 1);
        assertTrue(entryPoint.getUserOpHash(op) != hashHere);
        assertEq(_run(op), 1);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
        assertEq(recipient.balance, 0);

        vm.chainId(homeChain);
        assertEq(entryPoint.getUserOpHash(op), hashHere);
        _handleOp(op);
        assertEq(recipient.balance, 1 ether);
    }

    function test_replayOnTheSameAccount_nonceRefuses() public {
        PackedUserOperation memory op = _signedOp(_call(recipient, 0.1 ether, ""), sessionKeyPk, block.timestamp);
        _handleOp(op);
        _expectFailedOp(0, "AA25 invalid account nonce");
        _handleOp(op);
        assertEq(recipient.balance, 0.1 ether);
    }

    function test_replayOnAnotherLane() public {
        PackedUserOperation memory op = _laneOp(_call(recipient, 0.1 ether, ""), 1, 0);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _handleOp(op);
        // Moving the signed op to another (fresh) lane changes the nonce, hence the hash.
        op.nonce = (uint256(_nonceKey(address(module), 2)) << 64);
        _expectFailedOp(0, "AA24 signature error");
        _handleOp(op);
        assertEq(recipient.balance, 0.1 ether);
    }
}
