// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase, AcceptAllPaymaster} from "./UnitBase.sol";

/// @dev The required paymaster: the first 20 bytes of paymasterAndData must be exactly it.
contract RequiredPaymasterTest is UnitBase {
    AcceptAllPaymaster internal paymaster;
    AcceptAllPaymaster internal otherPaymaster;

    function setUp() public override {
        super.setUp();
        paymaster = _newPaymaster();
        otherPaymaster = _newPaymaster();
    }

    function _missing(address actual) internal view returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.RequiredPaymasterMissing.selector, address(paymaster), actual);
    }

    function _op(bytes memory paymasterAndData) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(_call(address(target), 0, hex"01"));
        op.paymasterAndData = paymasterAndData;
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
    }

    function _keyRequiringPaymaster(bytes memory gasUpdate) internal {
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _paymaster(address(paymaster)), gasUpdate));
    }

    function test_infoReportsThePaymaster() public {
        _keyRequiringPaymaster(_gasLimit(0, 0));
        assertEq(_info(sessionKey).requiredPaymaster, address(paymaster));
    }

    function test_noPaymaster_refused() public {
        // Even with no gas limit, the paymaster requirement holds.
        _keyRequiringPaymaster(_noGasLimit());
        _expectValidateRevert(_op(""), _missing(address(0)));
        PackedUserOperation memory op = _op("");
        _expectAA23(0, _missing(address(0)));
        _handleOp(op);
        assertEq(target.calls(), 0);
    }

    function test_otherPaymaster_refused() public {
        _keyRequiringPaymaster(_gasLimit(0, 0));
        _expectValidateRevert(
            _op(_paymasterAndData(address(otherPaymaster), 100_000, 50_000)), _missing(address(otherPaymaster))
        );
        PackedUserOperation memory op = _op(_paymasterAndData(address(otherPaymaster), 100_000, 50_000));
        _expectAA23(0, _missing(address(otherPaymaster)));
        _handleOp(op);
        assertEq(otherPaymaster.validations(), 0);
    }

    function test_shortPaymasterAndData_readsAsNoPaymaster() public {
        _keyRequiringPaymaster(_gasLimit(0, 0));
        // 19 bytes of the right paymaster is not the paymaster.
        _expectValidateRevert(_op(abi.encodePacked(bytes19(bytes20(address(paymaster))))), _missing(address(0)));
    }

    function test_requiredPaymaster_accepted() public {
        _keyRequiringPaymaster(_gasLimit(0, 0));
        assertEq(_run(_op(_paymasterAndData(address(paymaster), 100_000, 50_000))), 0);
        uint256 before = address(account).balance;
        _handleOp(_op(_paymasterAndData(address(paymaster), 100_000, 50_000)));
        assertEq(target.calls(), 1);
        assertEq(paymaster.validations(), 1);
        assertEq(address(account).balance, before);
    }

    function test_zeroAddressRemovesTheRequirement() public {
        _keyRequiringPaymaster(_noGasLimit());
        _update(sessionKey, _one(_paymaster(address(0))));
        assertEq(_info(sessionKey).requiredPaymaster, address(0));
        assertEq(_run(_op("")), 0);
        assertEq(_run(_op(_paymasterAndData(address(otherPaymaster), 100_000, 50_000))), 0);
        _handleOp(_op(""));
        assertEq(target.calls(), 1);
    }

    function test_changingThePaymaster() public {
        _keyRequiringPaymaster(_gasLimit(0, 0));
        _update(sessionKey, _one(_paymaster(address(otherPaymaster))));
        assertEq(_info(sessionKey).requiredPaymaster, address(otherPaymaster));
        _expectValidateRevert(
            _op(_paymasterAndData(address(paymaster), 100_000, 50_000)),
            abi.encodeWithSelector(
                ISessionKeyModule.RequiredPaymasterMissing.selector, address(otherPaymaster), address(paymaster)
            )
        );
        assertEq(_run(_op(_paymasterAndData(address(otherPaymaster), 100_000, 50_000))), 0);
    }
}
