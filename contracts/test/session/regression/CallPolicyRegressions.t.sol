// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    AccessListType,
    ArgumentOperator
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {CallPolicyBase} from "../unit/CallPolicyBase.sol";
import {CallPolicy} from "../../../src/session/permissions/CallPolicy.sol";
import {SessionKeyStorage} from "../../../src/session/libraries/SessionKeyStorage.sol";
import {AdversarialEncodings} from "../../utils/AdversarialEncodings.sol";

/// @dev Call policies through the real EntryPoint v0.8 and the real account, on a real token: the agent key of issue
/// 18 ("transfer to alice or bob, at most 10 USDC each, 20 times a day"), calldata that ends before a named argument,
/// dirty address bits, non-canonical encodings, a batch crossing a count, and the access list's selector rules. Every
/// refusal is checked to change nothing: balances, budgets, counts.
contract CallPolicyRegressionsTest is CallPolicyBase {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    uint256 internal constant TEN = 10e6;

    function _transferData(address to, uint256 amount) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(TRANSFER, to, amount);
    }

    function _transfer(address to, uint256 amount) internal view returns (bytes memory) {
        return _call(address(token), 0, _transferData(to, amount));
    }

    /// @dev The agent's rules on the token's transfer, on top of `accessList` updates.
    function _agentRules() internal view returns (bytes[] memory rules) {
        rules = new bytes[](4);
        rules[0] = _oneOf(address(token), TRANSFER, 0, _word(alice));
        rules[1] = _oneOf(address(token), TRANSFER, 0, _word(bob));
        rules[2] = _condition(address(token), TRANSFER, 1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(TEN));
        rules[3] = _fnCallLimit(address(token), TRANSFER, 20, DAY);
    }

    function _addAgent(bytes[] memory accessList) internal {
        bytes[] memory rules = _agentRules();
        bytes[] memory all = new bytes[](accessList.length + rules.length);
        for (uint256 i; i < accessList.length; ++i) {
            all[i] = accessList[i];
        }
        for (uint256 i; i < rules.length; ++i) {
            all[accessList.length + i] = rules[i];
        }
        _addKeyWithGas(sessionKey, all);
    }

    function _allowToken() internal view returns (bytes[] memory list) {
        list = new bytes[](2);
        list[0] = _allowTargetWithSelectors(address(token));
        list[1] = _allowSelector(address(token), TRANSFER);
    }

    /// @dev Everything a refused op could change.
    function _state() internal view returns (bytes memory) {
        return abi.encode(
            token.balanceOf(address(account)),
            token.balanceOf(alice),
            token.balanceOf(bob),
            token.balanceOf(recipient),
            address(account).balance,
            lens.getSessionKey(address(module), address(account), sessionKey)
        );
    }

    /// @dev Sends `callData` through the EntryPoint expecting the module's `reason`, and checks nothing changed.
    function _assertRefused(bytes memory callData, bytes memory reason) internal {
        bytes memory before = _state();
        PackedUserOperation memory op = _signedOp(callData, sessionKeyPk, block.timestamp);
        _expectAA23(0, reason);
        _handleOp(op);
        assertEq(_state(), before, "state changed");
    }

    function _calls() internal view returns (ISessionKeyLens.SpendLimitStatus memory) {
        return lens.getSessionKey(address(module), address(account), sessionKey).callPolicies[0].calls;
    }

    function _notOneOfToken(bytes32 actual) internal view returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.ArgumentNotOneOf.selector, address(token), TRANSFER, 0, actual);
    }

    // ------------------------------------------------------------------ the agent key

    function test_agentKey_worksAndEveryBreachIsRefusedWithItsError() public {
        _addAgent(_allowToken());
        _sendSession(_transfer(alice, TEN));
        _sendSession(_transfer(bob, 1));
        assertEq(token.balanceOf(alice), TEN);
        assertEq(token.balanceOf(bob), 1);

        _assertRefused(_transfer(recipient, 1), _notOneOfToken(_word(recipient)));
        _assertRefused(
            _transfer(alice, TEN + 1),
            abi.encodeWithSelector(
                ISessionKeyModule.ArgumentConditionFailed.selector,
                address(token),
                TRANSFER,
                1,
                uint8(ArgumentOperator.LESS_THAN_OR_EQUAL),
                bytes32(TEN),
                bytes32(TEN + 1)
            )
        );
        for (uint256 i; i < 18; ++i) {
            _sendSession(_transfer(bob, 1));
        }
        _assertRefused(
            _transfer(alice, 1),
            abi.encodeWithSelector(ISessionKeyModule.FunctionCallLimitExceeded.selector, address(token), TRANSFER, 20, 20, 1)
        );
        vm.warp(block.timestamp + DAY);
        _sendSession(_transfer(alice, 1));
        _assertStatus(_calls(), true, 20, 1, 19, DAY, _calls().periodStart, _calls().nextRefresh);
    }

    // ------------------------------------------------------------------ calldata

    function test_argumentPastTheEndOfCalldata_refused() public {
        _addAgent(_allowToken());
        // transfer(to) without its amount: the token would revert, but the module must refuse first, naming it.
        bytes memory data = abi.encodePacked(TRANSFER, _word(alice));
        _assertRefused(
            _call(address(token), 0, data),
            abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(token), TRANSFER, 1, 36)
        );
        // Even the selector alone: the first rule's argument (0) is missing.
        _assertRefused(
            _call(address(token), 0, abi.encodePacked(TRANSFER)),
            abi.encodeWithSelector(ISessionKeyModule.ArgumentMissing.selector, address(token), TRANSFER, 1, 4)
        );
    }

    function test_dirtyHighBitsInTheRecipient_refused() public {
        _addAgent(_allowToken());
        bytes32 dirty = bytes32(uint256(_word(alice)) | (uint256(1) << 160));
        _assertRefused(_call(address(token), 0, abi.encodePacked(TRANSFER, dirty, TEN)), _notOneOfToken(dirty));
    }

    function test_trailingBytes_areReadLikeTheTokenReadsThem() public {
        _addAgent(_allowToken());
        // Extra bytes after the arguments: the token ignores them, and the module reads the same two words.
        _sendSession(_call(address(token), 0, abi.encodePacked(_transferData(alice, TEN), bytes32(uint256(99)), hex"ff")));
        assertEq(token.balanceOf(alice), TEN);
        _assertStatus(_calls(), true, 20, 1, 19, DAY, _calls().periodStart, _calls().nextRefresh);
    }

    function test_nonCanonicalExecutionEncoding_refusedBeforeAnyPolicy() public {
        _addAgent(_allowToken());
        bytes memory callData = AdversarialEncodings.negativeDataOffsetBatch(address(token));
        bytes memory before = _state();
        PackedUserOperation memory op = _sessionOp(callData);
        op.accountGasLimits = _packGas(2_000_000, 2_000_000);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.MalformedExecutionCalldata.selector));
        _handleOp(op);
        assertEq(_state(), before, "state changed");
    }

    function test_batchCrossingTheCount_refusedWhole() public {
        _addAgent(_allowToken());
        for (uint256 i; i < 19; ++i) {
            _sendSession(_transfer(bob, 1));
        }
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(token), 0, _transferData(alice, 1));
        calls[1] = Execution(address(token), 0, _transferData(bob, 1));
        _assertRefused(
            _executeBatch(calls),
            abi.encodeWithSelector(ISessionKeyModule.FunctionCallLimitExceeded.selector, address(token), TRANSFER, 20, 20, 1)
        );
        assertEq(_calls().used, 19);
        calls = new Execution[](1);
        calls[0] = Execution(address(token), 0, _transferData(alice, 1));
        _sendSession(_executeBatch(calls));
        assertEq(_calls().used, 20);
    }

    // ------------------------------------------------------------------ the access list's selector rules

    function test_allowlistWithSelectorChecks_decidesFirst() public {
        // Only transfer is listed: a policy on approve does not make approve callable.
        bytes[] memory list = _allowToken();
        _addAgent(list);
        _update(sessionKey, _one(_oneOf(address(token), APPROVE, 0, _word(alice))));
        _assertRefused(
            _call(address(token), 0, abi.encodeWithSelector(APPROVE, alice, 1)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(token), APPROVE)
        );
        _assertRefused(_transfer(recipient, 1), _notOneOfToken(_word(recipient)));
    }

    function test_allowlist_aPolicyDoesNotListItsContract() public {
        _addAgent(new bytes[](0));
        _assertRefused(
            _transfer(alice, 1), abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token))
        );
    }

    function test_denylist_deniedFunctionRefusedByTheList_othersByThePolicy() public {
        bytes[] memory list = new bytes[](3);
        list[0] = _listType(AccessListType.DENYLIST);
        list[1] = _entry(address(token), true, true);
        list[2] = _fn(address(token), APPROVE, true); // approve denied
        _addAgent(list);
        _update(sessionKey, _one(_oneOf(address(token), APPROVE, 0, _word(alice))));
        _assertRefused(
            _call(address(token), 0, abi.encodeWithSelector(APPROVE, alice, 1)),
            abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(token), APPROVE)
        );
        _assertRefused(_transfer(recipient, 1), _notOneOfToken(_word(recipient)));
        _sendSession(_transfer(alice, 1));
        assertEq(token.balanceOf(alice), 1);
    }

    function test_allowAll_thePolicyStillHolds() public {
        bytes[] memory list = new bytes[](1);
        list[0] = _listType(AccessListType.ALLOW_ALL);
        _addAgent(list);
        _assertRefused(_transfer(recipient, 1), _notOneOfToken(_word(recipient)));
        _sendSession(_transfer(bob, TEN));
        assertEq(token.balanceOf(bob), TEN);
    }

    function test_laterAccessListAndErc20Changes_keepThePolicy() public {
        _addAgent(_allowToken());
        // Re-listing the contract and giving it an ERC-20 limit (which moves its entry to the budget layout).
        bytes[] memory changes = new bytes[](2);
        changes[0] = _entry(address(token), true, false);
        changes[1] = _erc20Limit(address(token), 15e6, 0);
        _update(sessionKey, changes);
        _assertRefused(_transfer(recipient, 1), _notOneOfToken(_word(recipient)));
        _sendSession(_transfer(alice, TEN));
        _assertRefused(
            _transfer(bob, 6e6),
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), 15e6, TEN, 6e6)
        );
    }

    /// @dev Whether the key's entry for `t` is flagged as having a policy (its calls then read function headers).
    function _flaggedAsHavingPolicy(address t) internal view returns (bool) {
        uint256 state = uint256(vm.load(address(module), bytes32(SessionKeyStorage.accountSlot(address(account)))));
        uint256 keySlot = SessionKeyStorage.keySlot(address(account), SessionKeyStorage.generation(state), sessionKey);
        uint256 sid = SessionKeyStorage.sessionId(uint256(vm.load(address(module), bytes32(keySlot))));
        uint256 entry =
            uint256(vm.load(address(module), bytes32(SessionKeyStorage.targetSlot(address(account), sid, t))));
        return entry & CallPolicy.HAS_POLICY != 0;
    }

    /// Removing the conditions of a function that never had any changes nothing: its contract is neither put on the
    /// key's list nor flagged (which would make every call to it read a function header: +2,341 gas), and a function's
    /// place in the lens is set by its first rule, not by an earlier removal. Found by CallPolicyUpdateEncodingFuzz.
    function test_removingConditionsThatWereNeverAdded_changesNothing() public {
        _addKeyWithGas(sessionKey, _allowToken());
        bytes memory before = abi.encode(lens.getSessionKey(address(module), address(account), sessionKey));
        _update(sessionKey, _updates(_noConditions(address(token), TRANSFER), _noConditions(address(target2), PAY)));
        assertEq(abi.encode(lens.getSessionKey(address(module), address(account), sessionKey)), before, "a view changed");
        assertFalse(_flaggedAsHavingPolicy(address(token)), "the token is flagged as having a policy");
        assertFalse(_flaggedAsHavingPolicy(address(target2)), "a contract never named is flagged");
        // The key still acts as before, through the EntryPoint.
        _sendSession(_transfer(alice, 1e6));
        assertEq(token.balanceOf(alice), 1e6);

        // A rule on another function of the token, then one on transfer: listed in that order.
        _update(
            sessionKey,
            _updates(
                _fnCallLimit(address(token), APPROVE, 1, 0),
                _condition(address(token), TRANSFER, 1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(TEN))
            )
        );
        ISessionKeyLens.CallPolicyRule[] memory rules = _policies();
        assertEq(rules.length, 2);
        assertEq(rules[0].selector, APPROVE, "listed by its removal, not its first rule");
        assertEq(rules[1].selector, TRANSFER);
        assertTrue(_flaggedAsHavingPolicy(address(token)));
    }
}
