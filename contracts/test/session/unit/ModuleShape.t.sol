// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "./UnitBase.sol";

interface IPermissionUpdater {
    function addSessionKey(address sessionKey, bytes32 tag, bytes[] calldata permissionUpdates) external;
}

interface IModuleUpdater {
    function PERMISSION_UPDATER() external view returns (address);
}

/// @dev The validation core is small, key management runs elsewhere and only through the module, and every deployable
/// contract keeps at least 1 KiB of EIP-170 room.
contract ModuleShapeTest is UnitBase {
    uint256 internal constant EIP170 = 24_576;

    function test_sizes() public {
        assertLe(address(module).code.length, 16_384, "validation core");
        address updater = IModuleUpdater(address(module)).PERMISSION_UPDATER();
        address[4] memory deployed = [address(module), updater, address(lens), address(factory)];
        for (uint256 i; i < deployed.length; ++i) {
            assertLe(deployed[i].code.length, EIP170 - 1024, "EIP-170 room");
        }
        assertLe(address(account).code.length, EIP170 - 1024, "account (a clone)");
        assertLe(address(factory.ACCOUNT_IMPLEMENTATION()).code.length, EIP170 - 1024, "account implementation");
    }

    function test_theUpdater_refusesDirectCalls() public {
        address updater = IModuleUpdater(address(module)).PERMISSION_UPDATER();
        vm.expectRevert(abi.encodeWithSignature("OnlyThroughTheModule()"));
        IPermissionUpdater(updater).addSessionKey(sessionKey, TAG, _none());
    }

    function test_management_runsInTheModulesStorage() public {
        _addKey(sessionKey, _one(_nativeLimit(3, 0)));
        assertEq(lens.getSessionKeyInfo(address(module), address(account), sessionKey).nativeTokenSpend.limit, 3);
        // Errors of the updater come back through the module unchanged.
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, sessionKey));
        module.addSessionKey(sessionKey, TAG, _none());
    }

    function test_extsload_readsAnyWord() public view {
        // The account state slot: keccak256(account ‖ namespace), installed bit set.
        bytes32 slot = keccak256(abi.encode(address(account), uint256(0xdeacc3) << 232));
        assertEq(uint256(module.extsload(slot)) >> 80 & 1, 1);
    }
}
