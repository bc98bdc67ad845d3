// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {
    Execution,
    IERC7579Module,
    MODULE_TYPE_VALIDATOR,
    MODULE_TYPE_EXECUTOR
} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {MockValidator} from "../../mocks/MockValidator.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev An executor that lets whoever the account names run calls through it (a scheduler, an automation module).
contract MockExecutor is IERC7579Module {
    mapping(address account => address) public operatorOf;

    function onInstall(bytes calldata data) external {
        operatorOf[msg.sender] = abi.decode(data, (address));
    }

    function onUninstall(bytes calldata) external {
        delete operatorOf[msg.sender];
    }

    function setOperator(address operator) external {
        operatorOf[msg.sender] = operator;
    }

    function isModuleType(uint256 moduleTypeId) external pure returns (bool) {
        return moduleTypeId == MODULE_TYPE_EXECUTOR;
    }
}

/// @dev Found in issue 13's review: a module installed on the account keeps its configuration per msg.sender, so an
/// ALLOW_ALL or DENYLIST key, whose calls come from the account, could reconfigure it: make itself the signer of
/// another validator, or the operator of an executor, and from then on act without any of its limits. Calls to the
/// account's own validators and executors are refused unless the owner allowlisted them.
contract OtherModuleTakeoverTest is UnitBase {
    MockValidator internal validator;
    MockExecutor internal executor;
    address internal attacker;

    function setUp() public override {
        super.setUp();
        attacker = makeAddr("attacker");
        validator = new MockValidator();
        executor = new MockExecutor();
        vm.startPrank(address(account));
        account.installModule(MODULE_TYPE_VALIDATOR, address(validator), abi.encode(owner));
        account.installModule(MODULE_TYPE_EXECUTOR, address(executor), abi.encode(owner));
        vm.stopPrank();
    }

    function _addKeyOfType(AccessListType listType) internal {
        bytes[] memory updates = new bytes[](2);
        updates[0] = _listType(listType);
        updates[1] = _entry(makeAddr("denied"), true, false);
        _addKeyWithGas(sessionKey, updates);
    }

    function _refused(address module_, uint256 moduleType) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.CallToAccountModuleNotAllowed.selector, module_, moduleType);
    }

    /// @dev Uninstall-and-reinstall the other validator with the attacker as its signer, in one batch.
    function _replaceSigner() internal view returns (bytes memory) {
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(validator), 0, abi.encodeCall(validator.onUninstall, ("")));
        calls[1] = Execution(address(validator), 0, abi.encodeCall(validator.onInstall, (abi.encode(attacker))));
        return _executeBatch(calls);
    }

    function _assertRefusedThroughEntryPoint(bytes memory callData, bytes memory revertData) internal {
        bytes memory before = abi.encode(validator.signerOf(address(account)), executor.operatorOf(address(account)), _info(sessionKey));
        PackedUserOperation memory op = _signedOp(callData, sessionKeyPk, block.timestamp);
        _expectAA23(0, revertData);
        _handleOp(op);
        assertEq(abi.encode(validator.signerOf(address(account)), executor.operatorOf(address(account)), _info(sessionKey)), before);
        assertEq(validator.signerOf(address(account)), owner);
    }

    function test_allowAll_reconfiguringAnotherValidator_refused() public {
        _addKeyOfType(AccessListType.ALLOW_ALL);
        _assertRefusedThroughEntryPoint(_replaceSigner(), _refused(address(validator), MODULE_TYPE_VALIDATOR));
    }

    function test_denylist_reconfiguringAnotherValidator_refused() public {
        _addKeyOfType(AccessListType.DENYLIST);
        _assertRefusedThroughEntryPoint(_replaceSigner(), _refused(address(validator), MODULE_TYPE_VALIDATOR));
    }

    function test_allowAll_takingOverAnExecutor_refused() public {
        _addKeyOfType(AccessListType.ALLOW_ALL);
        _assertRefusedThroughEntryPoint(
            _call(address(executor), 0, abi.encodeCall(executor.setOperator, (attacker))),
            _refused(address(executor), MODULE_TYPE_EXECUTOR)
        );
    }

    function test_denylist_takingOverAnExecutor_refused() public {
        _addKeyOfType(AccessListType.DENYLIST);
        _assertRefusedThroughEntryPoint(
            _call(address(executor), 0, abi.encodeCall(executor.setOperator, (attacker))),
            _refused(address(executor), MODULE_TYPE_EXECUTOR)
        );
    }

    function test_moduleUninstalledFromTheAccount_isAnOrdinaryContractAgain() public {
        _addKeyOfType(AccessListType.ALLOW_ALL);
        vm.prank(address(account));
        account.uninstallModule(MODULE_TYPE_EXECUTOR, address(executor), "");
        _sendSession(_call(address(executor), 0, abi.encodeCall(executor.setOperator, (attacker))));
        assertEq(executor.operatorOf(address(account)), attacker);
    }

    function test_allowlist_theOwnerMayAllowAModuleExplicitly() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(executor))));
        _sendSession(_call(address(executor), 0, abi.encodeCall(executor.setOperator, (attacker))));
        assertEq(executor.operatorOf(address(account)), attacker);
    }

    function test_allowAll_otherContractsStillCallable() public {
        _addKeyOfType(AccessListType.ALLOW_ALL);
        _sendSession(_call(address(target), 0, hex"01"));
        assertEq(target.calls(), 1);
    }
}
