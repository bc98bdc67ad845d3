// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {DevToken} from "../../../src/dev/DevToken.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {AccessListType} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev ERC-20 spend limits: lifetime and refreshing, transfer and approve counted, nothing else callable.
contract Erc20SpendLimitTest is UnitBase {
    uint256 internal constant LIMIT = 100e6;

    function _exceeded(address erc20, uint256 limit, uint256 used, uint256 attempted)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, erc20, limit, used, attempted);
    }

    function _lifetimeKey() internal {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), LIMIT, 0)));
    }

    function _weeklyKey() internal {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), LIMIT, WEEK)));
    }

    // ---------------------------------------------------------------- lifetime

    function test_lifetime_transfersCountUpToTheLimit() public {
        _lifetimeKey();
        _sendSession(_transferCall(recipient, 60e6));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, 60e6, 40e6, 0, 0, 0);
        _sendSession(_transferCall(recipient, 40e6));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, LIMIT, 0, 0, 0, 0);
        assertEq(token.balanceOf(recipient), LIMIT);
        assertEq(token.balanceOf(address(account)), 1_000_000e6 - LIMIT);

        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 1), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(address(token), LIMIT, LIMIT, 1));
        _handleOp(op);
        assertEq(token.balanceOf(recipient), LIMIT);

        // A lifetime limit never refreshes.
        vm.warp(block.timestamp + 3650 days);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), LIMIT, LIMIT, 1));
    }

    function test_lifetime_singleTransferAboveLimit() public {
        _lifetimeKey();
        _expectRunRevert(_transferCall(recipient, LIMIT + 1), _exceeded(address(token), LIMIT, 0, LIMIT + 1));
        // Huge amounts are compared without overflow.
        _expectRunRevert(
            _transferCall(recipient, type(uint256).max), _exceeded(address(token), LIMIT, 0, type(uint256).max)
        );
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, 0, LIMIT, 0, 0, 0);
    }

    function test_limitZero_onlyZeroAmounts() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), 0, 0)));
        assertEq(_runCall(_transferCall(recipient, 0)), 0);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), 0, 0, 1));
    }

    function test_maxLimit() public {
        _addKeyWithGas(sessionKey, _updates(_allowTarget(address(token)), _erc20Limit(address(token), MAX_ERC20_LIMIT, 0)));
        assertEq(_runCall(_transferCall(recipient, MAX_ERC20_LIMIT)), 0);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), MAX_ERC20_LIMIT, MAX_ERC20_LIMIT, 1));
    }

    // ---------------------------------------------------------------- approve

    function test_approve_countsItsFullAmountEachTime() public {
        _lifetimeKey();
        address spender = makeAddr("spender");
        _sendSession(_approveCall(spender, 70e6));
        assertEq(token.allowance(address(account), spender), 70e6);
        assertEq(_erc20Status(sessionKey).used, 70e6);
        // Re-approving replaces the allowance but still counts in full.
        _sendSession(_approveCall(spender, 30e6));
        assertEq(token.allowance(address(account), spender), 30e6);
        assertEq(_erc20Status(sessionKey).used, 100e6);
        _expectRunRevert(_approveCall(spender, 1), _exceeded(address(token), LIMIT, LIMIT, 1));
        // Approving zero (revoking) is still allowed: it counts nothing.
        _sendSession(_approveCall(spender, 0));
        assertEq(token.allowance(address(account), spender), 0);
        assertEq(_erc20Status(sessionKey).used, 100e6);
    }

    function test_approveAndTransfer_shareTheBudget() public {
        _lifetimeKey();
        _sendSession(_approveCall(makeAddr("spender"), 50e6));
        _expectRunRevert(_transferCall(recipient, 51e6), _exceeded(address(token), LIMIT, 50e6, 51e6));
        _sendSession(_transferCall(recipient, 50e6));
        assertEq(_erc20Status(sessionKey).used, LIMIT);
    }

    // ---------------------------------------------------------------- only transfer and approve

    function test_limitedToken_otherFunctionsRefused() public {
        _lifetimeKey();
        _expectRunRevert(
            _call(address(token), 0, abi.encodeCall(token.transferFrom, (address(account), recipient, 1))),
            abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), TRANSFER_FROM)
        );
        _expectRunRevert(
            _call(address(token), 0, abi.encodeCall(token.balanceOf, (recipient))),
            abi.encodeWithSelector(
                ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), token.balanceOf.selector
            )
        );
        _expectRunRevert(
            _call(address(token), 0, ""),
            abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), bytes4(0))
        );
    }

    function test_limitedToken_truncatedTransferRefused() public {
        _lifetimeKey();
        // transfer(address) with the amount word missing: 36 bytes, < 68.
        _expectRunRevert(
            _call(address(token), 0, abi.encodePacked(TRANSFER, uint256(uint160(recipient)))),
            abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), TRANSFER)
        );
        // 67 bytes.
        _expectRunRevert(
            _call(address(token), 0, abi.encodePacked(TRANSFER, uint256(uint160(recipient)), bytes31(0))),
            abi.encodeWithSelector(ISessionKeyModule.Erc20FunctionNotAllowed.selector, address(token), TRANSFER)
        );
    }

    function test_limitedToken_trailingBytesAfterAmountCountTheAmount() public {
        _lifetimeKey();
        bytes memory data = abi.encodePacked(abi.encodeCall(token.transfer, (recipient, 30e6)), uint256(99e6));
        _sendSession(_call(address(token), 0, data));
        assertEq(token.balanceOf(recipient), 30e6);
        assertEq(_erc20Status(sessionKey).used, 30e6);
    }

    function test_limitDoesNotGrantAccess() public {
        // A limit without an access list entry: the allowlist still refuses the token.
        _addKeyWithGas(sessionKey, _one(_erc20Limit(address(token), LIMIT, 0)));
        _expectRunRevert(
            _transferCall(recipient, 1),
            abi.encodeWithSelector(ISessionKeyModule.TargetNotOnAllowlist.selector, address(token))
        );
    }

    function test_selectorCheckRunsBeforeErc20Rule() public {
        _addKeyWithGas(
            sessionKey,
            _updates(
                _allowTargetWithSelectors(address(token)),
                _allowSelector(address(token), TRANSFER),
                _erc20Limit(address(token), LIMIT, 0)
            )
        );
        assertEq(_runCall(_transferCall(recipient, 1e6)), 0);
        _expectRunRevert(
            _approveCall(recipient, 1e6),
            abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(token), APPROVE)
        );
    }

    function test_limitEnforcedInDenylistAndAllowAllModes() public {
        _addKeyWithGas(sessionKey, _updates(_listType(AccessListType.DENYLIST), _erc20Limit(address(token), LIMIT, 0)));
        _expectRunRevert(_transferCall(recipient, LIMIT + 1), _exceeded(address(token), LIMIT, 0, LIMIT + 1));
        _update(sessionKey, _one(_listType(AccessListType.ALLOW_ALL)));
        _expectRunRevert(_transferCall(recipient, LIMIT + 1), _exceeded(address(token), LIMIT, 0, LIMIT + 1));
        _sendSession(_transferCall(recipient, LIMIT));
        assertEq(token.balanceOf(recipient), LIMIT);
        assertEq(_erc20Status(sessionKey).used, LIMIT);
    }

    function test_limitsArePerToken() public {
        DevToken other = new DevToken("Other", "OTH", 18);
        other.mint(address(account), 1000e18);
        _addKeyWithGas(
            sessionKey,
            _updates(
                _listType(AccessListType.ALLOW_ALL),
                _erc20Limit(address(token), LIMIT, 0),
                _erc20Limit(address(other), 5e18, 0)
            )
        );
        _sendSession(_transferCall(recipient, LIMIT));
        _sendSession(_call(address(other), 0, abi.encodeCall(other.transfer, (recipient, 5e18))));
        assertEq(other.balanceOf(recipient), 5e18);
        assertEq(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(other)).used, 5e18);
        assertEq(_erc20Status(sessionKey).used, LIMIT);
        _expectRunRevert(
            _call(address(other), 0, abi.encodeCall(other.transfer, (recipient, 1))),
            _exceeded(address(other), 5e18, 5e18, 1)
        );
    }

    function test_unlimitedToken_governedByAccessListAlone() public {
        _addKeyWithGas(sessionKey, _one(_allowTarget(address(token))));
        _assertStatus(_erc20Status(sessionKey), false, 0, 0, 0, 0, 0, 0);
        // Any function, any amount.
        assertEq(_runCall(_transferCall(recipient, 500_000e6)), 0);
        assertEq(
            _runCall(_call(address(token), 0, abi.encodeCall(token.transferFrom, (address(account), recipient, 1)))), 0
        );
    }

    // ---------------------------------------------------------------- batches

    function test_batch_severalTransfersAllCount() public {
        _lifetimeKey();
        Execution[] memory calls = new Execution[](3);
        for (uint256 i; i < 3; ++i) {
            calls[i] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 30e6)));
        }
        _sendSession(_executeBatch(calls));
        assertEq(token.balanceOf(recipient), 90e6);
        assertEq(_erc20Status(sessionKey).used, 90e6);
    }

    function test_batch_exceedingCallReportsTheBatchSpendSoFar() public {
        _lifetimeKey();
        _sendSession(_transferCall(recipient, 10e6));
        Execution[] memory calls = new Execution[](3);
        calls[0] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 40e6)));
        calls[1] = Execution(address(token), 0, abi.encodeCall(token.approve, (recipient, 30e6)));
        calls[2] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 21e6)));
        PackedUserOperation memory op = _signedOp(_executeBatch(calls), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(address(token), LIMIT, 80e6, 21e6));
        _handleOp(op);
        assertEq(token.balanceOf(recipient), 10e6);
        assertEq(_erc20Status(sessionKey).used, 10e6);
    }

    // ---------------------------------------------------------------- refreshing

    function test_refreshing_resetsInTheNextPeriod() public {
        _weeklyKey();
        uint256 week = _periodStart(block.timestamp, 0, WEEK);
        _sendSession(_transferCall(recipient, LIMIT));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, LIMIT, 0, WEEK, week, week + WEEK);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), LIMIT, LIMIT, 1));

        // Last second of the period: still spent.
        vm.warp(week + WEEK - 1);
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, LIMIT, 0, WEEK, week, week + WEEK);
        PackedUserOperation memory op = _signedOp(_transferCall(recipient, 1), sessionKeyPk, block.timestamp);
        _expectAA23(0, _exceeded(address(token), LIMIT, LIMIT, 1));
        _handleOp(op);

        // First second of the next period: the view and the module both start from zero, no reset call needed.
        vm.warp(week + WEEK);
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, 0, LIMIT, WEEK, week + WEEK, week + 2 * WEEK);
        _sendSession(_transferCall(recipient, 70e6));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, 70e6, 30e6, WEEK, week + WEEK, week + 2 * WEEK);
        assertEq(token.balanceOf(recipient), LIMIT + 70e6);
    }

    function test_refreshing_windowIsTheWeek() public {
        _weeklyKey();
        uint256 week = _periodStart(block.timestamp, 0, WEEK);
        assertEq(week, 1_749_686_400);
        assertEq(_runCall(_transferCall(recipient, 1e6)), _vd(false, week - 1, week + WEEK - 1));
    }

    function test_refreshing_skippedPeriodsDoNotMatter() public {
        _weeklyKey();
        _sendSession(_transferCall(recipient, LIMIT));
        vm.warp(block.timestamp + 52 * WEEK + 3 days);
        _sendSession(_transferCall(recipient, LIMIT));
        assertEq(token.balanceOf(recipient), 2 * LIMIT);
    }

    function test_refreshing_withAnchor() public {
        uint256 anchor = block.timestamp - 2 days; // periods of a week starting two days ago
        _addKeyWithGas(
            sessionKey,
            _updates(_allowTarget(address(token)), _erc20Limit(address(token), LIMIT, WEEK), _anchor(anchor))
        );
        _sendSession(_transferCall(recipient, LIMIT));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, LIMIT, 0, WEEK, anchor, anchor + WEEK);
        vm.warp(anchor + WEEK - 1);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), LIMIT, LIMIT, 1));
        vm.warp(anchor + WEEK);
        assertEq(_runCall(_transferCall(recipient, LIMIT)), _vd(false, anchor + WEEK - 1, anchor + 2 * WEEK - 1));
    }

    // ---------------------------------------------------------------- changing the limit

    function test_loweringLimitBelowUsed() public {
        _lifetimeKey();
        _sendSession(_transferCall(recipient, 80e6));
        _update(sessionKey, _one(_erc20Limit(address(token), 50e6, 0)));
        _assertStatus(_erc20Status(sessionKey), true, 50e6, 80e6, 0, 0, 0, 0);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), 50e6, 80e6, 1));
        _expectRunRevert(_transferCall(recipient, 0), _exceeded(address(token), 50e6, 80e6, 0));
        // Raising it again leaves the difference.
        _update(sessionKey, _one(_erc20Limit(address(token), LIMIT, 0)));
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, 80e6, 20e6, 0, 0, 0);
        _expectRunRevert(_transferCall(recipient, 21e6), _exceeded(address(token), LIMIT, 80e6, 21e6));
        _sendSession(_transferCall(recipient, 20e6));
        assertEq(token.balanceOf(recipient), LIMIT);
    }

    function test_removeLimit_thenTokenFollowsAccessListAlone() public {
        _lifetimeKey();
        _sendSession(_transferCall(recipient, LIMIT));
        _update(sessionKey, _one(_removeErc20Limit(address(token))));
        assertFalse(_erc20Status(sessionKey).hasLimit);
        _sendSession(_transferCall(recipient, 500e6));
        assertEq(token.balanceOf(recipient), 600e6);
        assertEq(
            _runCall(_call(address(token), 0, abi.encodeCall(token.transferFrom, (address(account), recipient, 1)))), 0
        );
        // The access entry itself is untouched.
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(token));
        assertTrue(onList);
        assertFalse(checks);
    }

    function test_setLimit_keepsAccessEntryAndSelectors() public {
        _addKeyWithGas(
            sessionKey, _updates(_allowTargetWithSelectors(address(token)), _allowSelector(address(token), TRANSFER))
        );
        _update(sessionKey, _one(_erc20Limit(address(token), LIMIT, DAY)));
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(token));
        assertTrue(onList && checks);
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(token), TRANSFER));
        _update(sessionKey, _one(_removeErc20Limit(address(token))));
        (onList, checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(token));
        assertTrue(onList && checks);
        assertTrue(lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(token), TRANSFER));
    }

    function test_switchingLifetimeToRefreshing() public {
        _lifetimeKey();
        _sendSession(_transferCall(recipient, LIMIT));
        _update(sessionKey, _one(_erc20Limit(address(token), LIMIT, DAY)));
        // The lifetime spend may all have been today's: the current day keeps it (a daily limit is never exceeded in
        // a day); the next day starts from zero.
        uint256 day = _periodStart(block.timestamp, 0, DAY);
        _assertStatus(_erc20Status(sessionKey), true, LIMIT, LIMIT, 0, DAY, day, day + DAY);
        _expectRunRevert(_transferCall(recipient, 1), _exceeded(address(token), LIMIT, LIMIT, 1));
        vm.warp(day + DAY);
        _sendSession(_transferCall(recipient, LIMIT));
        assertEq(token.balanceOf(recipient), 2 * LIMIT);
    }
}
