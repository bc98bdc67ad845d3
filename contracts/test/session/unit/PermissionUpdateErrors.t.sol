// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {UnitBase} from "./UnitBase.sol";

/// @dev Every malformed or out-of-range permission update reverts with its custom error, on add, update and install,
/// and leaves stored state untouched (including valid updates earlier in the same list).
contract PermissionUpdateErrorsTest is UnitBase {
    uint256 internal constant BAD_INDEX = 2;
    bytes4 internal constant FOO = 0x12345678;

    LeashAccount internal fresh; // an account without the module
    address internal newKey;

    bytes[] internal badUpdates;
    bytes[] internal expectedErrors;

    function setUp() public override {
        super.setUp();
        fresh = factory.createAccount(owner, 77);
        newKey = makeAddr("newKey");
        // A key with a bit of everything, so that any stray write would show.
        bytes[] memory updates = new bytes[](9);
        updates[0] = _listType(AccessListType.DENYLIST);
        updates[1] = _entry(address(target), true, true);
        updates[2] = _fn(address(target), TRANSFER, true);
        updates[3] = _erc20Limit(address(token), 100e6, WEEK);
        updates[4] = _timeRange(block.timestamp - 10, block.timestamp + 1000);
        updates[5] = _nativeLimit(1 ether, DAY);
        updates[6] = _gasLimit(1 ether, DAY);
        updates[7] = _paymaster(makeAddr("paymaster"));
        updates[8] = _anchor(12345);
        _addKey(sessionKey, updates);
    }

    // ---------------------------------------------------------------- cases

    function _case(bytes memory update, bytes memory err) internal {
        badUpdates.push(update);
        expectedErrors.push(err);
    }

    function _invalidTarget(address t) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.InvalidTarget.selector, t);
    }

    function _malformed() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdate.selector, BAD_INDEX);
    }

    function _unknown(bytes4 selector) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(ISessionKeyModule.UnknownPermissionUpdate.selector, BAD_INDEX, selector);
    }

    /// @dev The cases for updates applied to `acct`'s keys (the account itself is a forbidden target).
    function _buildCases(address acct) internal {
        delete badUpdates;
        delete expectedErrors;
        address[7] memory forbidden = [address(0), acct, address(module), EP_V06, EP_V07, EP_V08, EP_V09];
        for (uint256 i; i < forbidden.length; ++i) {
            address t = forbidden[i];
            _case(_entry(t, true, false), _invalidTarget(t));
            _case(_entry(t, false, false), _invalidTarget(t));
            _case(_fn(t, FOO, true), _invalidTarget(t));
            _case(_erc20Limit(t, 1, 0), _invalidTarget(t));
            _case(_removeErc20Limit(t), _invalidTarget(t));
        }

        // List type.
        bytes4 setType = Updates.setAccessListType.selector;
        _case(
            abi.encodeWithSelector(setType, uint256(3)),
            abi.encodeWithSelector(ISessionKeyModule.InvalidAccessListType.selector, 3)
        );
        _case(
            abi.encodeWithSelector(setType, uint256(255)),
            abi.encodeWithSelector(ISessionKeyModule.InvalidAccessListType.selector, 255)
        );
        _case(
            abi.encodeWithSelector(setType, uint256(1) << 255),
            abi.encodeWithSelector(ISessionKeyModule.InvalidAccessListType.selector, uint256(1) << 255)
        );

        // Time range.
        _case(_timeRange(200, 100), abi.encodeWithSelector(ISessionKeyModule.InvalidTimeRange.selector, 200, 100));
        _case(
            _timeRange(MAX_TIMESTAMP + 1, 0),
            abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, MAX_TIMESTAMP + 1)
        );
        _case(
            _timeRange(0, MAX_TIMESTAMP + 1),
            abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, MAX_TIMESTAMP + 1)
        );
        _case(
            _timeRange(type(uint48).max, 0),
            abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, type(uint48).max)
        );
        _case(
            _anchor(MAX_TIMESTAMP + 1),
            abi.encodeWithSelector(ISessionKeyModule.TimestampOutOfRange.selector, MAX_TIMESTAMP + 1)
        );

        // Limits.
        bytes4 tooLarge = ISessionKeyModule.SpendLimitTooLarge.selector;
        _case(_nativeLimit(MAX_NATIVE_LIMIT + 1, 0), abi.encodeWithSelector(tooLarge, MAX_NATIVE_LIMIT + 1, MAX_NATIVE_LIMIT));
        _case(_gasLimit(MAX_GAS_LIMIT + 1, 0), abi.encodeWithSelector(tooLarge, MAX_GAS_LIMIT + 1, MAX_GAS_LIMIT));
        _case(
            _erc20Limit(address(token), MAX_ERC20_LIMIT + 1, 0),
            abi.encodeWithSelector(tooLarge, MAX_ERC20_LIMIT + 1, MAX_ERC20_LIMIT)
        );
        _case(
            _nativeLimit(type(uint256).max, 0),
            abi.encodeWithSelector(ISessionKeyModule.SpendLimitTooLarge.selector, type(uint256).max, MAX_NATIVE_LIMIT)
        );

        // Intervals.
        bytes memory longInterval =
            abi.encodeWithSelector(ISessionKeyModule.RefreshIntervalTooLarge.selector, MAX_INTERVAL + 1);
        _case(_nativeLimit(1, MAX_INTERVAL + 1), longInterval);
        _case(_gasLimit(1, MAX_INTERVAL + 1), longInterval);
        _case(_erc20Limit(address(token), 1, MAX_INTERVAL + 1), longInterval);
        _case(
            _gasLimit(1, type(uint48).max),
            abi.encodeWithSelector(ISessionKeyModule.RefreshIntervalTooLarge.selector, type(uint48).max)
        );

        // Malformed: wrong length.
        _case(abi.encodePacked(setType), _malformed());
        _case(abi.encodePacked(setType, uint256(1), uint256(0)), _malformed());
        _case(abi.encodePacked(_entry(address(target), true, false), bytes1(0)), _malformed());
        _case(
            abi.encodePacked(
                Updates.updateAccessListAddressEntry.selector, uint256(uint160(address(target))), uint256(1)
            ),
            _malformed()
        );
        _case(abi.encodePacked(_timeRange(1, 2), uint256(0)), _malformed());
        _case(abi.encodePacked(Updates.setTimeRange.selector, uint256(1)), _malformed());
        _case(abi.encodePacked(Updates.removeNativeTokenSpendLimit.selector, uint256(0)), _malformed());
        _case(abi.encodePacked(Updates.removeGasSpendLimit.selector, bytes1(0)), _malformed());
        _case(abi.encodePacked(Updates.setRefreshAnchor.selector), _malformed());
        _case(abi.encodePacked(Updates.setRequiredPaymaster.selector, bytes20(address(target))), _malformed());
        _case(
            abi.encodePacked(Updates.setErc20SpendLimit.selector, uint256(uint160(address(token))), uint256(1)),
            _malformed()
        );
        _case(abi.encodePacked(Updates.removeErc20SpendLimit.selector), _malformed());

        // Malformed: dirty words.
        uint256 dirtyTarget = uint256(uint160(address(target))) | (uint256(1) << 160);
        bytes4 entrySel = Updates.updateAccessListAddressEntry.selector;
        bytes4 fnSel = Updates.updateAccessListFunctionEntry.selector;
        _case(abi.encodeWithSelector(entrySel, uint256(uint160(address(target))), uint256(2), uint256(0)), _malformed());
        _case(abi.encodeWithSelector(entrySel, uint256(uint160(address(target))), uint256(1), uint256(2)), _malformed());
        _case(abi.encodeWithSelector(entrySel, dirtyTarget, uint256(1), uint256(0)), _malformed());
        _case(abi.encodeWithSelector(fnSel, dirtyTarget, bytes32(FOO), uint256(1)), _malformed());
        _case(
            abi.encodeWithSelector(
                fnSel, uint256(uint160(address(target))), bytes32(FOO) | bytes32(uint256(1)), uint256(1)
            ),
            _malformed()
        );
        _case(
            abi.encodeWithSelector(fnSel, uint256(uint160(address(target))), uint256(uint32(FOO)), uint256(1)),
            _malformed()
        );
        _case(abi.encodeWithSelector(fnSel, uint256(uint160(address(target))), bytes32(FOO), uint256(7)), _malformed());
        _case(
            abi.encodeWithSelector(Updates.setErc20SpendLimit.selector, dirtyTarget, uint256(1), uint256(0)),
            _malformed()
        );
        _case(abi.encodeWithSelector(Updates.removeErc20SpendLimit.selector, dirtyTarget), _malformed());
        _case(abi.encodeWithSelector(Updates.setRequiredPaymaster.selector, dirtyTarget), _malformed());
        _case(abi.encodeWithSelector(Updates.setTimeRange.selector, uint256(1) << 48, uint256(0)), _malformed());
        _case(abi.encodeWithSelector(Updates.setTimeRange.selector, uint256(0), uint256(1) << 48), _malformed());
        _case(abi.encodeWithSelector(Updates.setRefreshAnchor.selector, uint256(1) << 48), _malformed());
        _case(
            abi.encodeWithSelector(Updates.setNativeTokenSpendLimit.selector, uint256(1), uint256(1) << 48),
            _malformed()
        );
        _case(abi.encodeWithSelector(Updates.setGasSpendLimit.selector, uint256(1), uint256(1) << 48), _malformed());
        _case(
            abi.encodeWithSelector(
                Updates.setErc20SpendLimit.selector, uint256(uint160(address(token))), uint256(1), uint256(1) << 48
            ),
            _malformed()
        );

        // Unknown selectors.
        _case(abi.encodeWithSelector(bytes4(0xdeadbeef), uint256(1)), _unknown(0xdeadbeef));
        _case("", _unknown(bytes4(0)));
        _case(hex"1234", _unknown(bytes4(0)));
        _case(abi.encodePacked(bytes3(Updates.setTimeRange.selector)), _unknown(bytes4(0)));
        _case(
            abi.encodeCall(ISessionKeyModule.addSessionKey, (newKey, bytes32(0), new bytes[](0))),
            _unknown(ISessionKeyModule.addSessionKey.selector)
        );
    }

    /// @dev Two valid updates first (one writing a budget slot directly), then the bad one at BAD_INDEX.
    function _withPrefix(bytes memory bad) internal view returns (bytes[] memory u) {
        u = new bytes[](3);
        u[0] = _erc20Limit(address(token), 5, DAY);
        u[1] = _timeRange(1, 2);
        u[BAD_INDEX] = bad;
    }

    // ---------------------------------------------------------------- tests

    function test_caseCount() public {
        _buildCases(address(account));
        assertEq(badUpdates.length, 84);
    }

    function test_updateKeyPermissions_revertsAndLeavesStateUntouched() public {
        _buildCases(address(account));
        bytes memory before = _keyState(sessionKey);
        for (uint256 i; i < badUpdates.length; ++i) {
            vm.prank(address(account));
            vm.expectRevert(expectedErrors[i]);
            module.updateKeyPermissions(sessionKey, _withPrefix(badUpdates[i]));
            assertEq(_keyState(sessionKey), before, vm.toString(i));
        }
    }

    function test_addSessionKey_revertsAndAddsNothing() public {
        _buildCases(address(account));
        address[] memory keysBefore = lens.sessionKeysOf(address(module), address(account));
        for (uint256 i; i < badUpdates.length; ++i) {
            vm.prank(address(account));
            vm.expectRevert(expectedErrors[i]);
            module.addSessionKey(newKey, TAG, _withPrefix(badUpdates[i]));
            assertFalse(lens.isSessionKeyOf(address(module), address(account), newKey));
            assertEq(lens.sessionKeysOf(address(module), address(account)), keysBefore);
        }
        // The failed adds consumed nothing: the key can still be added, with defaults.
        _addKey(newKey, _none());
        ISessionKeyLens.SessionKeyInfo memory info = _info(newKey);
        assertEq(info.validUntil, 0);
        assertEq(lens.getErc20SpendLimit(address(module), address(account), newKey, address(token)).hasLimit, false);
    }

    function test_installWithInitialKeys_revertsAndInstallsNothing() public {
        _buildCases(address(fresh));
        for (uint256 i; i < badUpdates.length; ++i) {
            address[] memory keys = new address[](1);
            keys[0] = newKey;
            bytes32[] memory tags = new bytes32[](1);
            bytes[][] memory updates = new bytes[][](1);
            updates[0] = _withPrefix(badUpdates[i]);
            vm.prank(address(fresh));
            vm.expectRevert(expectedErrors[i]);
            fresh.installModule(MODULE_TYPE_VALIDATOR, address(module), abi.encode(keys, tags, updates));
            assertFalse(module.isInitialized(address(fresh)));
            assertFalse(lens.isSessionKeyOf(address(module), address(fresh), newKey));
        }
    }

    function test_boundaryValuesAreAccepted() public {
        bytes[] memory updates = new bytes[](6);
        updates[0] = _timeRange(MAX_TIMESTAMP, MAX_TIMESTAMP);
        updates[1] = _anchor(MAX_TIMESTAMP);
        updates[2] = _nativeLimit(MAX_NATIVE_LIMIT, MAX_INTERVAL);
        updates[3] = _gasLimit(MAX_GAS_LIMIT, MAX_INTERVAL);
        updates[4] = _erc20Limit(address(token), MAX_ERC20_LIMIT, MAX_INTERVAL);
        updates[5] = abi.encodeWithSelector(Updates.setAccessListType.selector, uint256(2));
        _update(sessionKey, updates);
        ISessionKeyLens.SessionKeyInfo memory info = _info(sessionKey);
        assertEq(info.validFrom, MAX_TIMESTAMP);
        assertEq(info.validUntil, MAX_TIMESTAMP);
        assertEq(info.refreshAnchor, MAX_TIMESTAMP);
        assertEq(info.nativeTokenSpend.limit, MAX_NATIVE_LIMIT);
        assertEq(info.nativeTokenSpend.refreshInterval, MAX_INTERVAL);
        assertEq(info.gasSpend.limit, MAX_GAS_LIMIT);
        assertEq(info.gasSpend.refreshInterval, MAX_INTERVAL);
        assertEq(uint8(info.accessListType), uint8(AccessListType.ALLOW_ALL));
        ISessionKeyLens.SpendLimitStatus memory erc20 = _erc20Status(sessionKey);
        assertEq(erc20.limit, MAX_ERC20_LIMIT);
        assertEq(erc20.refreshInterval, MAX_INTERVAL);
        // Open ends: validFrom > 0 with validUntil 0 is fine, and validFrom == validUntil.
        _update(sessionKey, _one(_timeRange(500, 0)));
        _update(sessionKey, _one(_timeRange(500, 500)));
        assertEq(_info(sessionKey).validFrom, 500);
        assertEq(_info(sessionKey).validUntil, 500);
    }

    function test_validUpdatesAtEveryIndex_badOneAnywhereRevertsAll() public {
        bytes[] memory updates = new bytes[](3);
        updates[0] = _fn(address(0), FOO, true);
        updates[1] = _timeRange(1, 2);
        updates[2] = _timeRange(3, 4);
        bytes memory before = _keyState(sessionKey);
        vm.prank(address(account));
        vm.expectRevert(_invalidTarget(address(0)));
        module.updateKeyPermissions(sessionKey, updates);
        updates[0] = _timeRange(1, 2);
        updates[2] = hex"ff";
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.UnknownPermissionUpdate.selector, 2, bytes4(0)));
        module.updateKeyPermissions(sessionKey, updates);
        assertEq(_keyState(sessionKey), before);
    }
}
