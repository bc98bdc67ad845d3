// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    ArgumentOperator
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {GrantTestBase, GrantT} from "../../utils/GrantTestBase.sol";

/// @dev Every call-policy update is grantable: a grant carrying them (its digest from forge's EIP-712, independent of
/// the module's hashing) registers the key with its call policies in its first op, and they hold from that op on.
contract CallPolicyGrantsTest is GrantTestBase {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function _transferTo(address to, uint256 amount) internal view returns (bytes memory) {
        return _executeSingle(address(token), 0, abi.encodeCall(token.transfer, (to, amount)));
    }

    /// @dev The full set, then every call-policy update in field order (removals of rules the key does not have
    /// change nothing; the value cap is set, removed and set again).
    function _policyGrant() internal view returns (bytes[] memory updates) {
        bytes[] memory base = _grantPermissions(1_000e6, 1 ether);
        updates = new bytes[](base.length + 11);
        for (uint256 i; i < base.length; ++i) {
            updates[i] = base[i];
        }
        uint256 n = base.length;
        address t = address(token);
        updates[n++] = abi.encodeCall(
            Updates.addArgumentCondition, (t, TRANSFER, 1, ArgumentOperator.LESS_THAN_OR_EQUAL, bytes32(uint256(10e6)))
        );
        updates[n++] = abi.encodeCall(Updates.addArgumentOneOf, (t, TRANSFER, 0, bytes32(uint256(uint160(alice)))));
        updates[n++] = abi.encodeCall(Updates.addArgumentOneOf, (t, TRANSFER, 0, bytes32(uint256(uint160(bob)))));
        updates[n++] = abi.encodeCall(Updates.removeArgumentConditions, (t, APPROVE));
        updates[n++] = abi.encodeCall(Updates.setArgumentSpendLimit, (t, TRANSFER, 1, 25e6, uint48(DAY)));
        updates[n++] = abi.encodeCall(Updates.removeArgumentSpendLimit, (t, APPROVE, 1));
        updates[n++] = abi.encodeCall(Updates.setFunctionCallLimit, (t, TRANSFER, 20, uint48(DAY)));
        updates[n++] = abi.encodeCall(Updates.removeFunctionCallLimit, (t, APPROVE));
        updates[n++] = abi.encodeCall(Updates.setMaxValuePerCall, (0.01 ether));
        updates[n++] = abi.encodeCall(Updates.removeMaxValuePerCall, ());
        updates[n++] = abi.encodeCall(Updates.setMaxValuePerCall, (0));
        // Field order: the two setMaxValuePerCall are in one field, the removal in the next.
        (updates[n - 2], updates[n - 1]) = (updates[n - 1], updates[n - 2]);
    }

    function test_aGrantCarriesCallPolicies_andTheyHoldFromTheFirstOp() public {
        GrantT memory g = _grant(_policyGrant(), 3);
        // Registering nineteen updates in validation takes more verification gas than the default op gives.
        PackedUserOperation memory op = _sessionOp(_transferTo(alice, 10e6));
        op.accountGasLimits = _packGas(2_000_000, 500_000);
        op.signature = _grantSignature(
            op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp)
        );
        _handleOp(op);
        assertEq(token.balanceOf(alice), 10e6);

        ISessionKeyLens.SessionKeyState memory state = lens.getSessionKey(address(module), address(account), sessionKey);
        assertEq(state.maxValuePerCall, type(uint256).max, "set, set, then removed: in field order");
        assertEq(state.callPolicies.length, 1);
        ISessionKeyLens.CallPolicyRule memory rule = state.callPolicies[0];
        assertEq(rule.target, address(token));
        assertEq(rule.selector, TRANSFER);
        assertEq(rule.conditions.length, 1);
        assertEq(rule.oneOf[0].values.length, 2);
        assertEq(rule.argumentLimits[0].spend.used, 10e6);
        assertEq(rule.calls.used, 1);

        bytes memory tooMuch = abi.encodeWithSelector(
            ISessionKeyModule.ArgumentConditionFailed.selector,
            address(token),
            TRANSFER,
            1,
            uint8(ArgumentOperator.LESS_THAN_OR_EQUAL),
            bytes32(uint256(10e6)),
            bytes32(uint256(11e6))
        );
        _expectValidateRevert(_signedSessionOp(_transferTo(bob, 11e6)), tooMuch);
        bytes memory notListed = abi.encodeWithSelector(
            ISessionKeyModule.ArgumentNotOneOf.selector, address(token), TRANSFER, 0, bytes32(uint256(uint160(recipient)))
        );
        _expectValidateRevert(_signedSessionOp(_transferTo(recipient, 1)), notListed);
        _sendSession(_transferTo(bob, 10e6));
        bytes memory overBudget = abi.encodeWithSelector(
            ISessionKeyModule.ArgumentSpendLimitExceeded.selector, address(token), TRANSFER, 1, 25e6, 20e6, 6e6
        );
        _expectValidateRevert(_signedSessionOp(_transferTo(bob, 6e6)), overBudget);
        assertEq(token.balanceOf(bob), 10e6);
    }

    function _signedSessionOp(bytes memory callData) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(callData);
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
    }
}
