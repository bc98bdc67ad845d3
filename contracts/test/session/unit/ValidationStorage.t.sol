// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev ERC-7562: validation may only touch account-associated storage, keccak(account ‖ x) + n. White-box: the
/// expected slots are derived from SessionKeyStorage's documented layout (every slot is keccak(account ‖ id), id =
/// namespace ‖ kind ‖ payload), and every slot the module reads or writes while validating must be one of them.
contract ValidationStorageTest is UnitBase {
    uint256 internal constant NAMESPACE = uint256(0xdeacc3) << 232;

    bytes32[] internal allowed;

    function _sel(uint256 i) internal pure returns (bytes4) {
        return bytes4(keccak256(abi.encode("vs", i)));
    }

    /// @dev keccak(account ‖ namespace ‖ kind ‖ payload).
    function _allow(uint256 kind, uint256 payload) internal {
        allowed.push(keccak256(abi.encode(address(account), NAMESPACE | (kind << 224) | payload)));
    }

    function _allowLayout(address key, uint256 gen, uint256 sessionId, address[] memory targets, bytes4[] memory sels)
        internal
    {
        _allow(0, 0); // account state
        _allow(1, (gen << 160) | uint160(key)); // the key's record
        _allow(2, gen << 24); // its key-list entry (index 0): the gas limit, read when a period refreshes
        _allow(6, sessionId); // native budget
        _allow(7, sessionId); // required paymaster
        for (uint256 i; i < targets.length; ++i) {
            _allow(3, (sessionId << 160) | uint160(targets[i])); // contract entry (and ERC-20 budget)
            _allow(4, (sessionId << 160) | uint160(targets[i])); // ERC-20 limit
            for (uint256 j; j < sels.length; ++j) {
                _allow(5, (sessionId << 192) | (uint256(uint160(targets[i])) << 32) | uint32(sels[j]));
            }
        }
    }

    function _assertOnlyAllowed(bytes32[] memory slots) internal view {
        for (uint256 i; i < slots.length; ++i) {
            bool found;
            for (uint256 j; j < allowed.length; ++j) {
                if (allowed[j] == slots[i]) {
                    found = true;
                    break;
                }
            }
            assertTrue(found, vm.toString(slots[i]));
        }
    }

    function test_validationTouchesOnlyAccountAssociatedStorage() public {
        // Full permission set, with an overflow selector (the mapping path) and value, ERC-20 and gas budgets.
        bytes[] memory updates = new bytes[](13);
        updates[0] = _allowTargetWithSelectors(address(token));
        for (uint256 i; i < 6; ++i) {
            updates[1 + i] = _allowSelector(address(token), _sel(i));
        }
        updates[7] = _allowSelector(address(token), TRANSFER); // 7th: stored in the mapping
        updates[8] = _erc20Limit(address(token), 100e6, WEEK);
        updates[9] = _timeRange(block.timestamp - 1, block.timestamp + 30 days);
        updates[10] = _gasLimit(1 ether, DAY);
        updates[11] = _allowTarget(address(target));
        updates[12] = _nativeLimit(1 ether, DAY);
        _addKey(sessionKey, updates);

        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 1e6)));
        calls[1] = Execution(address(target), 1 wei, "");
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        bytes32 hash = entryPoint.getUserOpHash(op);

        address[] memory targets = new address[](2);
        targets[0] = address(token);
        targets[1] = address(target);
        bytes4[] memory sels = new bytes4[](2);
        sels[0] = TRANSFER;
        sels[1] = bytes4(0);
        _allowLayout(sessionKey, 0, 1, targets, sels);

        vm.record();
        vm.prank(address(account));
        uint256 vd = module.validateUserOp(op, hash);
        (bytes32[] memory reads, bytes32[] memory writes) = vm.accesses(address(module));
        assertGt(vd, 0); // a window, not a failure
        assertEq(vd & 1, 0);
        assertGt(reads.length, 5);
        assertEq(writes.length, 3); // ERC-20, native and gas budgets
        _assertOnlyAllowed(reads);
        _assertOnlyAllowed(writes);
    }

    function test_requiredPaymasterRead_isAccountAssociated() public {
        _addKey(sessionKey, _updates(_allowTarget(address(target)), _paymaster(address(0xBEEF))));
        PackedUserOperation memory op = _sessionOp(_call(address(target), 0, hex"01"));
        op.paymasterAndData = abi.encodePacked(address(0xBEEF), uint128(100_000), uint128(0));
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        bytes32 hash = entryPoint.getUserOpHash(op);

        address[] memory targets = new address[](1);
        targets[0] = address(target);
        _allowLayout(sessionKey, 0, 1, targets, new bytes4[](0));

        vm.record();
        vm.prank(address(account));
        assertEq(module.validateUserOp(op, hash), 0);
        (bytes32[] memory reads, bytes32[] memory writes) = vm.accesses(address(module));
        assertEq(writes.length, 0);
        _assertOnlyAllowed(reads);
    }

    function test_afterRevokeAndReAdd_slotsMoveWithGenerationAndSessionId() public {
        _addKey(sessionKey, _none());
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(target))));
        PackedUserOperation memory op = _signedOp(_call(address(target), 0, ""), sessionKeyPk, block.timestamp);
        bytes32 hash = entryPoint.getUserOpHash(op);
        address[] memory targets = new address[](1);
        targets[0] = address(target);
        _allowLayout(sessionKey, 1, 2, targets, new bytes4[](0)); // generation 1, session id 2

        vm.record();
        vm.prank(address(account));
        assertEq(module.validateUserOp(op, hash), 0);
        (bytes32[] memory reads,) = vm.accesses(address(module));
        _assertOnlyAllowed(reads);
    }
}
