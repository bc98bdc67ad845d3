// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Storage counters at their maximum (white-box: set with vm.store at SessionKeyStorage's documented layout):
/// generation (2^32 - 1), session ids (2^23 - 1: the record's bit 23 is a flag), function entries kept in their own
/// slots (2^24 - 1).
contract CounterLimitsTest is UnitBase {
    uint256 internal constant NAMESPACE = uint256(0xdeacc3) << 232;
    uint256 internal constant MAX_U32 = 0xffffffff;
    uint256 internal constant MAX_U24 = 0xffffff;
    uint256 internal constant MAX_SESSION_ID = (1 << 23) - 1;
    uint256 internal constant INSTALLED = uint256(1) << 80;

    function _slot(uint256 kind, uint256 payload) internal view returns (bytes32) {
        return keccak256(abi.encode(address(account), NAMESPACE | (kind << 224) | payload));
    }

    function _accountStateSlot() internal view returns (bytes32) {
        return _slot(0, 0);
    }

    function _accessEntrySlot(uint256 sessionId, address t) internal view returns (bytes32) {
        return _slot(3, (sessionId << 160) | uint160(t));
    }

    function test_accountStateLayout() public {
        // [0,32) generation | [32,56) last session id | [56,80) key count | [80] installed
        _addKey(sessionKey, _none());
        uint256 state = uint256(vm.load(address(module), _accountStateSlot()));
        assertEq(state, (uint256(1) << 32) | (uint256(1) << 56) | INSTALLED);
    }

    function test_generationExhausted() public {
        vm.store(address(module), _accountStateSlot(), bytes32(MAX_U32 | INSTALLED));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.CounterExhausted.selector));
        module.revokeAllSessionKeys();
        // One below the maximum still works.
        vm.store(address(module), _accountStateSlot(), bytes32((MAX_U32 - 1) | INSTALLED));
        vm.prank(address(account));
        module.revokeAllSessionKeys();
    }

    function test_sessionIdsExhausted() public {
        vm.store(address(module), _accountStateSlot(), bytes32((MAX_SESSION_ID << 32) | INSTALLED));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.CounterExhausted.selector));
        module.addSessionKey(sessionKey, TAG, _none());
        assertFalse(lens.isSessionKeyOf(address(module), address(account), sessionKey));
        // The last id is still given out, and reads back as itself (not as the record's flag bit).
        vm.store(address(module), _accountStateSlot(), bytes32(((MAX_SESSION_ID - 1) << 32) | INSTALLED));
        _addKey(sessionKey, _one(_nativeLimit(7, 0)));
        assertEq(lens.getSessionKeyInfo(address(module), address(account), sessionKey).nativeTokenSpend.limit, 7);
    }

    function test_tooManyFunctionEntries() public {
        _addKey(sessionKey, _one(_allowTargetWithSelectors(address(target))));
        bytes32 slot = _accessEntrySlot(1, address(target));
        uint256 entry = uint256(vm.load(address(module), slot));
        assertEq(entry, 3 | (1 << 6)); // on list | check selectors | on the target list, place 0
        // Six inline selectors ([32,40) count, [64 + 32i) selector i) and 2^24 - 1 further ones ([8,32) count; their
        // slots stay empty).
        entry |= (uint256(6) << 32) | (MAX_U24 << 8);
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
            lens.isSelectorOnAccessList(address(module), 
                address(account), sessionKey, address(target), bytes4(keccak256(abi.encode(uint256(0))))
            )
        );
    }
}
