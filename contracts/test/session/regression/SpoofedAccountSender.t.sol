// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev A Safe-style fallback handler: trusts the last 20 bytes of calldata as the original sender when its caller is
/// an account (the Safe7579 adapter's HandlerContext, ERC-7579 fallbacks, ERC-2771 recipients), and lets that sender
/// reconfigure the account it is the handler of.
contract MockSenderTrustingHandler {
    mapping(address account => address) public validatorOf;

    function installValidator(address validator) external {
        address sender = address(bytes20(msg.data[msg.data.length - 20:]));
        require(sender == msg.sender, "not the account itself");
        validatorOf[msg.sender] = validator;
    }
}

/// @dev Found in issue 15 on a Safe with the Safe7579 adapter (e2e: existingAccounts.test.ts): an ALLOW_ALL or DENYLIST
/// key called the adapter directly with the Safe's address appended, passed as "the Safe itself" and installed its own
/// validator. A call whose data ends with the account's address is refused unless the owner allowlisted the target.
contract SpoofedAccountSenderTest is UnitBase {
    MockSenderTrustingHandler internal handler;
    address internal attacker;

    function setUp() public override {
        super.setUp();
        handler = new MockSenderTrustingHandler();
        attacker = makeAddr("attacker");
    }

    function _spoofed() internal view returns (bytes memory) {
        return _call(address(handler), 0, abi.encodePacked(abi.encodeCall(handler.installValidator, (attacker)), address(account)));
    }

    function _refusedThroughEntryPoint(AccessListType listType) internal {
        bytes[] memory updates = new bytes[](1);
        updates[0] = _listType(listType);
        _addKeyWithGas(sessionKey, updates);
        PackedUserOperation memory op = _signedOp(_spoofed(), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.CallAsAccountNotAllowed.selector, address(handler)));
        _handleOp(op);
        assertEq(handler.validatorOf(address(account)), address(0));
    }

    function test_allowAll_spoofedAccountSender_refused() public {
        _refusedThroughEntryPoint(AccessListType.ALLOW_ALL);
    }

    function test_denylist_spoofedAccountSender_refused() public {
        _refusedThroughEntryPoint(AccessListType.DENYLIST);
    }

    /// @dev Padding the address into a whole word does not hide it: the handler reads the last 20 bytes all the same.
    function test_allowAll_paddedSpoofedAccountSender_refused() public {
        bytes[] memory updates = new bytes[](1);
        updates[0] = _listType(AccessListType.ALLOW_ALL);
        _addKeyWithGas(sessionKey, updates);
        bytes memory data = abi.encodePacked(abi.encodeCall(handler.installValidator, (attacker)), bytes12(0), address(account));
        PackedUserOperation memory op = _signedOp(_call(address(handler), 0, data), sessionKeyPk, block.timestamp);
        _expectAA23(0, abi.encodeWithSelector(ISessionKeyModule.CallAsAccountNotAllowed.selector, address(handler)));
        _handleOp(op);
    }

    function test_allowlist_theOwnerMayAllowSuchATargetExplicitly() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(handler))));
        _sendSession(_spoofed());
        assertEq(handler.validatorOf(address(account)), attacker);
    }

    function test_allowAll_callsEndingWithAnotherAddress_allowed() public {
        bytes[] memory updates = new bytes[](1);
        updates[0] = _listType(AccessListType.ALLOW_ALL);
        _addKeyWithGas(sessionKey, updates);
        _sendSession(_call(address(target), 0, abi.encodePacked(hex"01", attacker)));
        assertEq(target.calls(), 1);
    }
}
