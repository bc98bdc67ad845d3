// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {
    ISessionKeyPermissionUpdates as Updates,
    AccessListType
} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionFuzzBase} from "./SessionFuzzHelpers.sol";

/// @dev Fuzz tests of function entries: random sequences of adding and removing selectors on one contract, past the
/// six stored inline (so the overflow mapping and the swap-on-removal are exercised). After every step the views and
/// validation under an allowlist and a denylist agree with a plain set.
contract AccessListFuzzTest is SessionFuzzBase {
    bytes4[10] internal pool = [
        F1,
        F2,
        F3,
        bytes4(0),
        bytes4(0xdeadbeef),
        bytes4(0x12345678),
        bytes4(0xcafebabe),
        bytes4(0xffffffff),
        bytes4(0x00000001),
        bytes4(0x80000000)
    ];
    bool[10] internal inSet;

    function setUp() public override {
        super.setUp();
        bytes[] memory updates = new bytes[](3);
        updates[0] = _allowTargetWithSelectors(address(target));
        updates[1] = _noGasLimit();
        updates[2] = _noNativeLimit();
        _addKey(sessionKey, updates);
    }

    function _callWith(bytes4 sel) internal view returns (bytes memory) {
        bytes memory data = sel == bytes4(0) ? bytes("") : abi.encodeWithSelector(sel, uint256(1));
        return _executeSingle(address(target), 0, data);
    }

    function _checkAll(uint256 probe) internal {
        for (uint256 i; i < pool.length; ++i) {
            assertEq(
                lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), pool[i]),
                inSet[i],
                string.concat("selector ", vm.toString(i))
            );
        }
        // Validation agrees, under both list types (the entry checks selectors in both).
        uint256 p = probe % pool.length;
        bytes4 sel = pool[p];
        _update(sessionKey, _one(_listType(AccessListType.ALLOWLIST)));
        if (inSet[p]) {
            assertEq(_validate(_signedOp(_callWith(sel), block.timestamp)), 0, "allowlisted selector");
        } else {
            _expectValidateRevert(
                _signedOp(_callWith(sel), block.timestamp),
                abi.encodeWithSelector(ISessionKeyModule.SelectorNotOnAllowlist.selector, address(target), sel)
            );
        }
        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        if (inSet[p]) {
            _expectValidateRevert(
                _signedOp(_callWith(sel), block.timestamp),
                abi.encodeWithSelector(ISessionKeyModule.SelectorOnDenylist.selector, address(target), sel)
            );
        } else {
            assertEq(_validate(_signedOp(_callWith(sel), block.timestamp)), 0, "selector not on the denylist");
        }
    }

    /// forge-config: default.fuzz.runs = 128
    function testFuzz_functionEntries_behaveAsASet(uint256 seed) public {
        for (uint256 step; step < 30; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 i = r % pool.length;
            // Mostly add while the set is small, mostly remove once it is large.
            uint256 size;
            for (uint256 j; j < pool.length; ++j) {
                if (inSet[j]) ++size;
            }
            bool add = (r >> 8) % 10 >= size;
            _update(
                sessionKey, _one(abi.encodeCall(Updates.updateAccessListFunctionEntry, (address(target), pool[i], add)))
            );
            inSet[i] = add;
            _checkAll(r >> 16);
        }
        // The contract-level entry is untouched by all of that.
        (bool onList, bool checks) = lens.getAccessListEntry(address(module), address(account), sessionKey, address(target));
        assertTrue(onList && checks, "contract entry");
    }

    /// An entry that does not check selectors allows (or, on a denylist, refuses) every function, whatever the
    /// function entries say; they take effect again when selector checking is switched back on.
    function testFuzz_contractEntryWithoutSelectorCheck(uint256 seed, bytes4 sel) public {
        _update(sessionKey, _one(_allowSelector(address(target), pool[seed % pool.length])));
        _update(sessionKey, _one(abi.encodeCall(Updates.updateAccessListAddressEntry, (address(target), true, false))));
        assertEq(_validate(_signedOp(_callWith(sel), block.timestamp)), 0, "any selector on an allowlisted contract");
        _update(sessionKey, _one(_listType(AccessListType.DENYLIST)));
        _expectValidateRevert(
            _signedOp(_callWith(sel), block.timestamp),
            abi.encodeWithSelector(ISessionKeyModule.TargetOnDenylist.selector, address(target))
        );
        _update(sessionKey, _one(_listType(AccessListType.ALLOW_ALL)));
        assertEq(_validate(_signedOp(_callWith(sel), block.timestamp)), 0, "allow-all");
        assertTrue(
            lens.isSelectorOnAccessList(address(module), address(account), sessionKey, address(target), pool[seed % pool.length]),
            "function entry kept"
        );
    }
}
