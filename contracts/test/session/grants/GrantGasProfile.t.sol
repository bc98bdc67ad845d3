// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";
import {console} from "forge-std/console.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {GrantTestBase, GrantT, ChainPartT} from "../../utils/GrantTestBase.sol";

/**
 * @dev What a key's first op with a grant writes, for docs/grants.md ("Gas"): the fresh storage slots (zero to nonzero,
 * 22,100 gas each when cold) of the first op carrying a grant of the bench's full permission set (no tag, small
 * nonce), beside an added key's first op. The gas figures themselves come from the bench (receipts through the
 * EntryPoint); `forge test --isolate -vvvv --match-contract GrantGasProfile` shows the call tree they split into.
 */
contract GrantGasProfileTest is GrantTestBase {
    struct Writes {
        uint256 moduleFresh;
        uint256 otherFresh;
        uint256 moduleWritten;
    }

    function setUp() public override {
        super.setUp();
        entryPoint.depositTo{value: 1 ether}(address(account));
        // As in the bench: the beneficiary is a funded EOA, the recipient starts without tokens (S0).
        vm.deal(beneficiary, 1 ether);
    }

    function _fullGrant() internal view returns (GrantT memory g) {
        g = _grant(_grantPermissions(1000e6, 1 ether), 1);
        g.tag = bytes32(0);
    }

    /// @dev The storage slots `op` writes: fresh ones (zero before, nonzero after) in the module and elsewhere.
    function _writes(PackedUserOperation memory op) internal returns (Writes memory w) {
        vm.startStateDiffRecording();
        _handleOp(op);
        Vm.AccountAccess[] memory accesses = vm.stopAndReturnStateDiff();
        // A slot may be written several times in one op: count it once, by its first previous value and last new one.
        bytes32[] memory seen = new bytes32[](256);
        address[] memory seenIn = new address[](256);
        uint256 n;
        for (uint256 i; i < accesses.length; ++i) {
            Vm.StorageAccess[] memory s = accesses[i].storageAccesses;
            for (uint256 j; j < s.length; ++j) {
                if (!s[j].isWrite || s[j].reverted) continue;
                bool already;
                for (uint256 k; k < n; ++k) {
                    if (seen[k] == s[j].slot && seenIn[k] == s[j].account) already = true;
                }
                if (already) continue;
                seen[n] = s[j].slot;
                seenIn[n++] = s[j].account;
                bytes32 finalValue = vm.load(s[j].account, s[j].slot);
                bool fresh = s[j].previousValue == 0 && finalValue != 0;
                if (s[j].account == address(module)) {
                    ++w.moduleWritten;
                    if (fresh) ++w.moduleFresh;
                } else if (fresh) {
                    ++w.otherFresh;
                }
            }
        }
    }

    /// @dev The module's fresh slots when a grant registers a key with the full set: key record, key-list entry, the
    /// token's entry and its target-list slot. Everything else it writes (the account state) was written before.
    function test_grantFirstOp_freshSlots() public {
        Writes memory w = _writes(_grantOp(_fullGrant(), _transferCall(recipient, 1e6)));
        assertEq(w.moduleFresh, 4, "module: fresh slots");
        assertEq(w.moduleWritten, 5, "module: slots written (the account state too)");
        // Outside the module: the op's new nonce lane (EntryPoint) and the recipient's first balance (token).
        assertEq(w.otherFresh, 2, "EntryPoint nonce lane and the recipient's balance");
    }

    /// @dev The key's first op carrying the grant, sent plainly (state-diff recording left out of the call tree
    /// `--isolate -vvvv` shows).
    function test_profile_grantFirstOp() public {
        _handleOp(_grantOp(_fullGrant(), _transferCall(recipient, 1e6)));
        assertTrue(_isKey(sessionKey));
    }

    /// @dev An added key's first op (S0), sent plainly.
    function test_profile_addedKeyFirstOp() public {
        _addKey(sessionKey, _grantPermissions(1000e6, 1 ether));
        PackedUserOperation memory op = _sessionOp(_transferCall(recipient, 1e6));
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        _handleOp(op);
        assertEq(token.balanceOf(recipient), 1e6);
    }

    /// @dev The registration alone, as the owner's addSessionKey does it (the same updates, no tag): what a grant adds
    /// to it is the owner's signature check, the grant's hashing and canonical checks, its nonce and its event.
    function test_profile_addSessionKey() public {
        vm.prank(address(account));
        module.addSessionKey(sessionKey, bytes32(0), _grantPermissions(1000e6, 1 ether));
        assertTrue(_isKey(sessionKey));
    }

    /// @dev A grant naming 33 chains (the op carries the 32 others' ChainGrant hashes, 1 KB more): run with
    /// `--isolate -vvvv` beside test_profile_grantFirstOp to see what each other chain adds, frame by frame.
    function test_profile_grantFirstOp_33Chains() public {
        GrantT memory g = _fullGrant();
        ChainPartT[] memory chains = new ChainPartT[](33);
        chains[0] = g.chains[0];
        for (uint256 c = 1; c < 33; ++c) {
            chains[c] = ChainPartT(1000 + c, 0, new bytes[](0));
        }
        g.chains = chains;
        PackedUserOperation memory op = _sessionOp(_transferCall(recipient, 1e6));
        op.signature = _grantSignature(op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp));
        _handleOp(op);
        assertTrue(_isKey(sessionKey));
    }

    /// @dev What the grant adds to the op's calldata (16 gas a nonzero byte, 4 a zero byte).
    function test_grantCalldata() public view {
        bytes memory grant = _grantArgs(_fullGrant(), 0, _signGrant(_fullGrant(), ownerKey), block.timestamp);
        uint256 zeros;
        for (uint256 i; i < grant.length; ++i) {
            if (grant[i] == 0) ++zeros;
        }
        uint256 gas = 16 * (grant.length - zeros) + 4 * zeros;
        console.log("grant bytes", grant.length, "zero bytes", zeros);
        console.log("calldata gas", gas);
        assertEq(grant.length, 1536, "the full set's grant part, ABI-encoded");
    }

    /// @dev The same key added by the owner, then its first op (S0): the op writes nothing fresh in the module.
    function test_addedKeyFirstOp_freshSlots() public {
        _addKey(sessionKey, _fullPermissionSet(1000e6, 1 ether));
        PackedUserOperation memory op = _sessionOp(_transferCall(recipient, 1e6));
        op.signature = _signSession(op, sessionKeyPk, block.timestamp);
        Writes memory w = _writes(op);
        assertEq(w.moduleFresh, 0, "module: fresh slots");
        assertEq(w.otherFresh, 2, "EntryPoint nonce lane and the recipient's balance");
    }
}
