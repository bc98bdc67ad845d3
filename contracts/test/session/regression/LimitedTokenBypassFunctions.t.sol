// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "../unit/UnitBase.sol";

/// @dev Failure mode: `increaseAllowance`, `transferFrom` or `permit` on a limited token where the access list did
/// not check selectors (a known bypass). On a limited token only transfer and approve pass, in every list mode.
contract LimitedTokenBypassFunctionsTest is UnitBase {
    bytes4 internal constant DECREASE_ALLOWANCE = 0xa457c2d7; // decreaseAllowance(address,uint256)
    address internal spender;

    function setUp() public override {
        super.setUp();
        spender = makeAddr("spender");
    }

    function _bypassCalls() internal view returns (bytes[4] memory data, bytes4[4] memory selectors) {
        data[0] = abi.encodeWithSelector(INCREASE_ALLOWANCE, spender, uint256(1_000e6));
        data[1] = abi.encodeCall(token.transferFrom, (address(account), spender, 1_000e6));
        data[2] = abi.encodeCall(
            token.permit, (address(account), spender, 1_000e6, block.timestamp + 1, 27, bytes32(0), bytes32(0))
        );
        data[3] = abi.encodeWithSelector(DECREASE_ALLOWANCE, spender, uint256(1));
        selectors = [INCREASE_ALLOWANCE, TRANSFER_FROM, PERMIT, DECREASE_ALLOWANCE];
    }

    function _assertRefused() internal {
        (bytes[4] memory data, bytes4[4] memory selectors) = _bypassCalls();
        for (uint256 i; i < data.length; ++i) {
            bytes memory expected = abi.encodeWithSelector(
                ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), selectors[i]
            );
            _expectRunRevert(_call(address(token), 0, data[i]), expected);
            // Hidden in a batch behind an allowed transfer.
            Execution[] memory calls = new Execution[](2);
            calls[0] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 1)));
            calls[1] = Execution(address(token), 0, data[i]);
            _expectRunRevert(_executeBatch(calls), expected);
        }
        // End to end, transferFrom: nothing moves.
        PackedUserOperation memory op = _signedOp(_call(address(token), 0, data[1]), sessionKeyPk, block.timestamp);
        _expectAA23(
            0, abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), TRANSFER_FROM)
        );
        _handleOp(op);
        assertEq(token.balanceOf(spender), 0);
        assertEq(token.allowance(address(account), spender), 0);
    }

    function test_increaseAllowanceTransferFromPermit_allowlistWithoutSelectorChecks() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 100e6, 0)));
        _assertRefused();
    }

    function test_increaseAllowanceTransferFromPermit_allowlistWithTheseSelectorsListed() public {
        bytes[] memory updates = new bytes[](7);
        updates[0] = _allowTargetWithSelectors(address(token));
        updates[1] = _allowSelector(address(token), TRANSFER);
        updates[2] = _allowSelector(address(token), INCREASE_ALLOWANCE);
        updates[3] = _allowSelector(address(token), TRANSFER_FROM);
        updates[4] = _allowSelector(address(token), PERMIT);
        updates[5] = _allowSelector(address(token), DECREASE_ALLOWANCE);
        updates[6] = _erc20Limit(address(token), 100e6, 0);
        _addKeyWithGas(sessionKey, updates);
        _assertRefused();
    }

    function test_increaseAllowanceTransferFromPermit_denylist() public {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.DENYLIST), _erc20Limit(address(token), 100e6, 0)));
        _assertRefused();
    }

    function test_increaseAllowanceTransferFromPermit_allowAll() public {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _erc20Limit(address(token), 100e6, 0)));
        _assertRefused();
    }

    function test_refreshingLimitToo() public {
        _addKeyWithGas(
            sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _erc20Limit(address(token), 100e6, DAY))
        );
        _assertRefused();
    }

    function test_limitZeroStillRestrictsFunctions() public {
        // A limit of zero is a limit: the token can only be used for zero-amount transfer/approve.
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.ALLOW_ALL), _erc20Limit(address(token), 0, 0)));
        (bytes[4] memory data, bytes4[4] memory selectors) = _bypassCalls();
        for (uint256 i; i < data.length; ++i) {
            _expectRunRevert(
                _call(address(token), 0, data[i]),
                abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), selectors[i])
            );
        }
    }
}
