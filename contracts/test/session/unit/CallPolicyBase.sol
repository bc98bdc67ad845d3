// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    ArgumentOperator
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Encoders and expectations for the call-policy tests (docs/call-policies.md).
abstract contract CallPolicyBase is UnitBase {
    /// pay(address to, uint256 amount, int256 delta): a function the tests' CallTarget accepts like any other.
    bytes4 internal constant PAY = bytes4(keccak256("pay(address,uint256,int256)"));
    bytes4 internal constant MINT = bytes4(keccak256("mint(uint256)"));

    function _condition(address t, bytes4 selector, uint256 argIndex, ArgumentOperator op, bytes32 value)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeCall(Updates.addArgumentCondition, (t, selector, uint8(argIndex), op, value));
    }

    function _oneOf(address t, bytes4 selector, uint256 argIndex, bytes32 value) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.addArgumentOneOf, (t, selector, uint8(argIndex), value));
    }

    function _noConditions(address t, bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeArgumentConditions, (t, selector));
    }

    function _argLimit(address t, bytes4 selector, uint256 argIndex, uint256 limit, uint256 interval)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeCall(Updates.setArgumentSpendLimit, (t, selector, uint8(argIndex), limit, uint48(interval)));
    }

    function _noArgLimit(address t, bytes4 selector, uint256 argIndex) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeArgumentSpendLimit, (t, selector, uint8(argIndex)));
    }

    function _fnCallLimit(address t, bytes4 selector, uint256 limit, uint256 interval) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setFunctionCallLimit, (t, selector, limit, uint48(interval)));
    }

    function _noFnCallLimit(address t, bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeFunctionCallLimit, (t, selector));
    }

    function _maxValue(uint256 cap) internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.setMaxValuePerCall, (cap));
    }

    function _noMaxValue() internal pure returns (bytes memory) {
        return abi.encodeCall(Updates.removeMaxValuePerCall, ());
    }

    function _word(address a) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(a)));
    }

    function _signedWord(int256 v) internal pure returns (bytes32) {
        return bytes32(uint256(v));
    }

    /// @dev pay(to, amount, delta) on the test target.
    function _pay(address to, uint256 amount, int256 delta) internal view returns (bytes memory) {
        return _call(address(target), 0, abi.encodeWithSelector(PAY, to, amount, delta));
    }

    function _payData(address to, uint256 amount, int256 delta) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(PAY, to, amount, delta);
    }

    function _conditionFailed(uint256 argIndex, ArgumentOperator op, bytes32 allowed, bytes32 actual)
        internal
        view
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            ISessionKeyModule.ArgumentConditionFailed.selector, address(target), PAY, argIndex, uint8(op), allowed, actual
        );
    }

    function _notOneOf(uint256 argIndex, bytes32 actual) internal view returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.ArgumentNotOneOf.selector, address(target), PAY, argIndex, actual);
    }

    function _argExceeded(uint256 argIndex, uint256 limit, uint256 used, uint256 attempted)
        internal
        view
        returns (bytes memory)
    {
        return abi.encodeWithSelector(
            ISessionKeyModule.ArgumentSpendLimitExceeded.selector, address(target), PAY, argIndex, limit, used, attempted
        );
    }

    function _fnExceeded(bytes4 selector, uint256 limit, uint256 used) internal view returns (bytes memory) {
        return abi.encodeWithSelector(
            ISessionKeyModule.FunctionCallLimitExceeded.selector, address(target), selector, limit, used, 1
        );
    }

    function _policies() internal view returns (ISessionKeyLens.CallPolicyRule[] memory) {
        return lens.getSessionKey(address(module), address(account), sessionKey).callPolicies;
    }
}
