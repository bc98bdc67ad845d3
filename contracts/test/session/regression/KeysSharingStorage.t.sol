// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: two keys (of one account, or one key on two accounts) sharing storage, so that one's budget,
/// entries or removal leaks into the other's.
contract KeysSharingStorageTest is UnitBase {
    bytes4 internal constant FOO = 0x12345678;

    address internal keyA;
    uint256 internal keyAPk;
    address internal keyB;
    uint256 internal keyBPk;
    LeashAccount internal account2;

    function setUp() public override {
        super.setUp();
        (keyA, keyAPk) = makeAddrAndKey("keyA");
        (keyB, keyBPk) = makeAddrAndKey("keyB");
        account2 = factory.createAccount(owner, 2);
        vm.deal(address(account2), 10 ether);
        token.mint(address(account2), 1_000e6);
        _installModuleOn(account2);
    }

    function _opOn(LeashAccount acct, bytes memory callData, uint256 pk)
        internal
        view
        returns (PackedUserOperation memory op)
    {
        op = _userOp(address(acct), entryPoint.getNonce(address(acct), _nonceKey(address(module), 0)), callData);
        op.signature = _signSession(op, pk, block.timestamp);
    }

    function _addOn(LeashAccount acct, address key, bytes[] memory updates) internal {
        vm.prank(address(acct));
        module.addSessionKey(key, TAG, updates);
    }

    function test_twoKeysOfOneAccount_haveSeparateBudgetsAndEntries() public {
        _addKeyWithGas(
            keyA,
            _updates(
                _allowTarget(address(token)),
                _erc20Limit(address(token), 100e6, 0),
                _entry(address(target), true, true),
                _fn(address(target), FOO, true)
            )
        );
        _addKeyWithGas(keyB, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 50e6, 0)));

        // A spends its whole budget; B's is untouched.
        _handleOp(_opOn(account, _transferCall(recipient, 100e6), keyAPk));
        assertEq(lens.getErc20SpendLimit(address(module), address(account), keyA, address(token)).used, 100e6);
        assertEq(lens.getErc20SpendLimit(address(module), address(account), keyB, address(token)).used, 0);
        _handleOp(_opOn(account, _transferCall(recipient, 50e6), keyBPk));
        assertEq(token.balanceOf(recipient), 150e6);

        // A's entries are not B's.
        assertFalse(lens.isSelectorOnAccessList(address(module), address(account), keyB, address(target), FOO));
        PackedUserOperation memory op = _opOn(account, _call(address(target), 0, abi.encodePacked(FOO)), keyBPk);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target)));
        _handleOp(op);
        _handleOp(_opOn(account, _call(address(target), 0, abi.encodePacked(FOO)), keyAPk));
        assertEq(target.calls(), 1);

        // Changing or removing A leaves B as it is.
        bytes memory stateB = _stateOf(address(account), keyB);
        _update(keyA, _updates(_erc20Limit(address(token), 1, 0), _nativeLimit(5 ether, DAY)));
        assertEq(_stateOf(address(account), keyB), stateB);
        vm.prank(address(account));
        module.removeSessionKey(keyA);
        assertEq(_stateOf(address(account), keyB), stateB);
        assertEq(_info(keyB).nativeTokenSpend.limit, 0);
        assertEq(lens.getErc20SpendLimit(address(module), address(account), keyB, address(token)).limit, 50e6);
    }

    /// @dev Everything about a key except the account's key list.
    function _stateOf(address acct, address key) internal view returns (bytes memory) {
        (bool tOn, bool tChecks) = lens.getAccessListEntry(address(module), acct, key, address(target));
        (bool kOn, bool kChecks) = lens.getAccessListEntry(address(module), acct, key, address(token));
        return abi.encode(
            lens.getSessionKeyInfo(address(module), acct, key),
            lens.getErc20SpendLimit(address(module), acct, key, address(token)),
            tOn,
            tChecks,
            kOn,
            kChecks,
            lens.isSelectorOnAccessList(address(module), acct, key, address(target), FOO)
        );
    }

    function test_twoKeysOfOneAccount_separateNativeAndGasBudgets() public {
        _addKey(keyA, _updates(_allowTarget(recipient), _nativeLimit(1 ether, 0), _gasLimit(C1(), 0)));
        _addKey(keyB, _updates(_allowTarget(recipient), _nativeLimit(1 ether, 0), _gasLimit(C1(), 0)));
        _handleOp(_opOn(account, _call(recipient, 1 ether, ""), keyAPk));
        _handleOp(_opOn(account, _call(recipient, 1 ether, ""), keyBPk));
        assertEq(recipient.balance, 2 ether);
        assertEq(_info(keyA).gasSpend.used, C1());
        assertEq(_info(keyB).gasSpend.used, C1());
    }

    function C1() internal pure returns (uint256) {
        return DEFAULT_OP_COST;
    }

    function test_sameKeyOnTwoAccounts_isTwoIndependentKeys() public {
        address shared = sessionKey;
        _addKeyWithGas(shared, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 100e6, 0)));
        _addOn(account2, shared, _updates(_allowTarget(address(target)), _noGasLimit()));

        // Spending on account 1 does not touch account 2, whose key has no token access at all.
        _handleOp(_opOn(account, _transferCall(recipient, 100e6), sessionKeyPk));
        assertEq(lens.getErc20SpendLimit(address(module), address(account), shared, address(token)).used, 100e6);
        assertFalse(lens.getErc20SpendLimit(address(module), address(account2), shared, address(token)).hasLimit);
        PackedUserOperation memory op = _opOn(account2, _transferCall(recipient, 1), sessionKeyPk);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token)));
        _handleOp(op);
        assertEq(token.balanceOf(address(account2)), 1_000e6);

        // Account 2's permissions are its own.
        _handleOp(_opOn(account2, _call(address(target), 0, hex"01"), sessionKeyPk));
        op = _opOn(account, _call(address(target), 0, hex"01"), sessionKeyPk);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(target)));
        _handleOp(op);

        // Removing or revoking on one account leaves the other.
        bytes memory state2 = _keyState(address(account2), shared, address(target));
        _update(shared, _one(_erc20Limit(address(token), 7, 0)));
        assertEq(_keyState(address(account2), shared, address(target)), state2);
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        assertFalse(lens.isSessionKeyOf(address(module), address(account), shared));
        assertEq(_keyState(address(account2), shared, address(target)), state2);
        _handleOp(_opOn(account2, _call(address(target), 0, hex"02"), sessionKeyPk));
        assertEq(target.calls(), 2);
    }

    function test_sameKeyOnTwoAccounts_uninstallOnOneLeavesTheOther() public {
        _addKey(sessionKey, _none());
        _addOn(account2, sessionKey, _one(_allowTarget(address(target))));
        vm.prank(address(account));
        account.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
        assertTrue(lens.isSessionKeyOf(address(module), address(account2), sessionKey));
        (bool onList,) = lens.getAccessListEntry(address(module), address(account2), sessionKey, address(target));
        assertTrue(onList);
    }

    function test_keysAddedOnTwoAccountsInterleaved_getDistinctState() public {
        // Session ids are per account: key 1 of account 1 and key 1 of account 2 must not alias.
        _addKey(keyA, _one(_nativeLimit(1 ether, 0)));
        _addOn(account2, keyB, _one(_nativeLimit(2 ether, 0)));
        _addKey(keyB, _one(_nativeLimit(3 ether, 0)));
        _addOn(account2, keyA, _one(_nativeLimit(4 ether, 0)));
        assertEq(lens.getSessionKeyInfo(address(module), address(account), keyA).nativeTokenSpend.limit, 1 ether);
        assertEq(lens.getSessionKeyInfo(address(module), address(account2), keyB).nativeTokenSpend.limit, 2 ether);
        assertEq(lens.getSessionKeyInfo(address(module), address(account), keyB).nativeTokenSpend.limit, 3 ether);
        assertEq(lens.getSessionKeyInfo(address(module), address(account2), keyA).nativeTokenSpend.limit, 4 ether);
    }
}
