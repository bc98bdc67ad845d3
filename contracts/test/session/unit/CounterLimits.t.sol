// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Storage counters at their maximum (white-box: set with vm.store at SessionKeyStorage's documented layout):
/// generation and session ids (2^32 - 1), function entries beyond the inline six (2^24 - 1).
contract CounterLimitsTest is UnitBase {
    bytes32 internal constant LOCATION = 0x88d81bdee3fdca5d5e584ce1653f63d864bb8b064773a9425439383e922aaf00;
    uint256 internal constant MAX_U32 = 0xffffffff;

    function _accountStateSlot() internal view returns (bytes32) {
        return keccak256(abi.encode(address(account), LOCATION));
    }

    function _accessEntrySlot(uint256 sessionId, address t) internal view returns (bytes32) {
        bytes32 inner = keccak256(abi.encode(t, keccak256(abi.encode(sessionId, bytes32(uint256(LOCATION) + 4)))));
        return keccak256(abi.encode(address(account), inner));
    }

    function test_accountStateLayout() public {
        // [0,32) generation | [32,64) last session id | [64,96) key count | [96] installed
        _addKey(sessionKey, _none());
        uint256 state = uint256(vm.load(address(module), _accountStateSlot()));
        assertEq(state, (uint256(1) << 32) | (uint256(1) << 64) | (uint256(1) << 96));
    }

    function test_generationExhausted() public {
        vm.store(address(module), _accountStateSlot(), bytes32(MAX_U32 | (uint256(1) << 96)));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.CounterExhausted.selector));
        module.revokeAllSessionKeys();
        // One below the maximum still works.
        vm.store(address(module), _accountStateSlot(), bytes32((MAX_U32 - 1) | (uint256(1) << 96)));
        vm.prank(address(account));
        module.revokeAllSessionKeys();
    }

    function test_sessionIdsExhausted() public {
        vm.store(address(module), _accountStateSlot(), bytes32((MAX_U32 << 32) | (uint256(1) << 96)));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.CounterExhausted.selector));
        module.addSessionKey(sessionKey, TAG, _none());
        assertFalse(module.isSessionKeyOf(address(account), sessionKey));
    }

    function test_tooManyFunctionEntries() public {
        _addKey(sessionKey, _one(_allowTargetWithSelectors(address(target))));
        bytes32 slot = _accessEntrySlot(1, address(target));
        uint256 entry = uint256(vm.load(address(module), slot));
        assertEq(entry, 3); // on list | check selectors
        // Six inline selectors and 2^24 - 1 further ones (the count only; the mapping stays empty).
        entry |= (uint256(6) << 3) | (uint256((1 << 24) - 1) << 40);
        for (uint256 i; i < 6; ++i) {
            entry |= uint256(uint32(bytes4(keccak256(abi.encode(i))))) << (64 + 32 * i);
        }
        vm.store(address(module), slot, bytes32(entry));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.TooManyFunctionEntries.selector, address(target)));
        module.updateKeyPermissions(sessionKey, _one(_allowSelector(address(target), 0x12345678)));
        // An inline one can still be re-added (no-op) or removed.
        _update(sessionKey, _one(_fn(address(target), bytes4(keccak256(abi.encode(uint256(0)))), false)));
        assertFalse(
            module.isSelectorOnAccessList(
                address(account), sessionKey, address(target), bytes4(keccak256(abi.encode(uint256(0))))
            )
        );
    }
}
