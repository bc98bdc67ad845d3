// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {
    Execution,
    IERC7579Execution,
    IERC7579ModuleConfig,
    MODULE_TYPE_VALIDATOR,
    MODULE_TYPE_EXECUTOR
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ERC7579Utils} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {MockValidator} from "../../mocks/MockValidator.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: a session key makes the account call itself to install a validator it controls (taking over the
/// account) or to uninstall the session key module / other modules. Refused in every form, even for an allow-all key
/// with no value or gas limit.
contract SelfCallModuleInstallTest is UnitBase {
    MockValidator internal evil;
    address internal attacker;

    function setUp() public override {
        super.setUp();
        evil = new MockValidator();
        attacker = makeAddr("attacker");
        _addKey(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _noNativeLimit(), _noGasLimit()));
    }

    function _installEvil() internal view returns (bytes memory) {
        return abi.encodeCall(
            IERC7579ModuleConfig.installModule, (MODULE_TYPE_VALIDATOR, address(evil), abi.encode(attacker))
        );
    }

    function _uninstallSessionModule() internal view returns (bytes memory) {
        return abi.encodeCall(IERC7579ModuleConfig.uninstallModule, (MODULE_TYPE_VALIDATOR, address(module), ""));
    }

    function _assertUntouched() internal view {
        assertFalse(account.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(evil), ""));
        assertFalse(account.isModuleInstalled(MODULE_TYPE_EXECUTOR, address(evil), ""));
        assertTrue(account.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(module), ""));
        assertTrue(lens.isSessionKeyOf(address(module), address(account), sessionKey));
        assertEq(evil.signerOf(address(account)), address(0));
    }

    function _expectRefusedEndToEnd(bytes memory callData, bytes memory inner) internal {
        PackedUserOperation memory op = _signedOp(callData, sessionKeyPk, block.timestamp);
        _expectAA23(0, inner);
        _handleOp(op);
        _assertUntouched();
    }

    function test_selfCallInstallModule_single() public {
        bytes memory inner =
            abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(account));
        _expectRefusedEndToEnd(_call(address(account), 0, _installEvil()), inner);
        _expectRefusedEndToEnd(_call(address(account), 0, _uninstallSessionModule()), inner);
    }

    function test_selfCallInstallModule_viaAddressZero() public {
        // OpenZeppelin's executor sends calls to address(0) to the account itself.
        bytes memory inner = abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(0));
        _expectRefusedEndToEnd(_call(address(0), 0, _installEvil()), inner);
        _expectRefusedEndToEnd(_call(address(0), 0, _uninstallSessionModule()), inner);
    }

    function test_selfCallInstallModule_insideBatch() public {
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(target), 0, hex"01");
        calls[1] = Execution(address(account), 0, _installEvil());
        calls[2] = Execution(address(target), 0, hex"02");
        _expectRefusedEndToEnd(
            _executeBatch(calls),
            abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(account))
        );
        calls[1] = Execution(address(0), 0, _uninstallSessionModule());
        _expectRefusedEndToEnd(
            _executeBatch(calls), abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(0))
        );
        assertEq(target.calls(), 0);
    }

    function test_installModuleAsTheOpCallData() public {
        _expectRefusedEndToEnd(
            _installEvil(),
            abi.encodeWithSelector(
                ISessionKeyModule.UnsupportedAccountFunction.selector, IERC7579ModuleConfig.installModule.selector
            )
        );
        _expectRefusedEndToEnd(
            _uninstallSessionModule(),
            abi.encodeWithSelector(
                ISessionKeyModule.UnsupportedAccountFunction.selector, IERC7579ModuleConfig.uninstallModule.selector
            )
        );
    }

    function test_installModuleThroughDelegatecall() public {
        // A delegatecall would run arbitrary code as the account (e.g. writing its module registry).
        bytes memory callData = _executeWithMode(
            ERC7579Utils.CALLTYPE_DELEGATECALL,
            ERC7579Utils.EXECTYPE_DEFAULT,
            abi.encodePacked(address(target), _installEvil())
        );
        _expectRefusedEndToEnd(
            callData,
            abi.encodeWithSelector(ISessionKeyModule.UnsupportedExecutionMode.selector, bytes32(uint256(0xff) << 248))
        );
    }

    function test_executeFromExecutor() public {
        bytes memory callData = abi.encodeCall(
            IERC7579Execution.executeFromExecutor,
            (bytes32(0), abi.encodePacked(address(account), uint256(0), _installEvil()))
        );
        _expectRefusedEndToEnd(
            callData,
            abi.encodeWithSelector(
                ISessionKeyModule.UnsupportedAccountFunction.selector, IERC7579Execution.executeFromExecutor.selector
            )
        );
    }

    function test_nestedExecuteSelfCall() public {
        // execute(single: account.execute(batch: [installModule])): the outer target is the account.
        Execution[] memory calls = new Execution[](1);
        calls[0] = Execution(address(account), 0, _installEvil());
        _expectRefusedEndToEnd(
            _call(address(account), 0, _executeBatch(calls)),
            abi.encodeWithSelector(ISessionKeyModule.CallToAccountNotAllowed.selector, address(account))
        );
    }

    function test_accountCannotBeAllowlisted() public {
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, address(account)));
        module.updateKeyPermissions(sessionKey, _one(_allowTarget(address(account))));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, address(0)));
        module.updateKeyPermissions(sessionKey, _one(_allowTarget(address(0))));
    }
}
