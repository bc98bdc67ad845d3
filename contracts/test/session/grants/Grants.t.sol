// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IEntryPoint} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "../../../src/session/interfaces/ISessionKeyLens.sol";
import {ISessionKeyPermissionUpdates as Updates, AccessListType} from
    "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {GrantTestBase, GrantT, ChainPartT} from "../../utils/GrantTestBase.sol";

/// @dev A key enabled by its owner's signed grant in its first op, through the EntryPoint: what it may do, and every
/// way a grant is refused. A refusal leaves nothing changed: no key, no nonce used, no token moved.
contract GrantsTest is GrantTestBase {
    uint256 internal constant LIMIT = 100e6;

    function _transfer(uint256 amount) internal view returns (bytes memory) {
        return _transferCall(recipient, amount);
    }

    /// @dev Sends `op`, expecting the EntryPoint to refuse it with the module's `reason`, and checks nothing changed.
    function _expectRefused(PackedUserOperation memory op, bytes memory reason) internal {
        uint256 balance = token.balanceOf(address(account));
        _expectValidateRevert(op, reason);
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = op;
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOpWithRevert.selector, 0, "AA23 reverted", reason));
        entryPoint.handleOps(ops, beneficiary);
        assertFalse(_isKey(sessionKey), "no key");
        assertEq(token.balanceOf(address(account)), balance, "no token moved");
    }

    // ---------------------------------------------------------------- enabling

    function test_firstOp_enablesTheKeyAndChargesItsBudgets() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 7);
        vm.expectEmit(true, true, false, true, address(module));
        emit ISessionKeyModule.SessionKeyGrantUsed(address(account), sessionKey, 7);
        _handleOp(_grantOp(g, _transfer(30e6)));

        assertEq(token.balanceOf(recipient), 30e6);
        assertTrue(_isKey(sessionKey));
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.tag, bytes32("granted"));
        assertEq(info.validUntil, block.timestamp + 365 days);
        assertGt(info.gasSpend.used, 0, "gas charged");
        assertEq(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(token)).used, 30e6);
        _assertNonce(7, 0, true, false);

        // Later ops are ordinary ops, and the limit holds across both.
        _sendSession(_transfer(70e6));
        assertEq(token.balanceOf(recipient), 100e6);
        PackedUserOperation memory over = _sessionOp(_transfer(1));
        over.signature = _signSession(over, sessionKeyPk, block.timestamp);
        _expectValidateRevert(
            over,
            abi.encodeWithSelector(ISessionKeyModule.Erc20SpendLimitExceeded.selector, address(token), LIMIT, LIMIT, 1)
        );
    }

    address internal constant PAYMASTER = address(0x9a7);

    /// @dev One update of every kind a grant holds, in field order (the last: a required paymaster, when asked).
    function _everyKind(bool withPaymaster) internal view returns (bytes[] memory updates) {
        updates = new bytes[](withPaymaster ? 12 : 11);
        updates[0] = _listType(AccessListType.ALLOWLIST);
        updates[1] = _allowTargetWithSelectors(address(token));
        updates[2] = _allowSelector(address(token), TRANSFER);
        updates[3] = _timeRange(block.timestamp - 1 hours, block.timestamp + 365 days);
        updates[4] = abi.encodeCall(Updates.setRefreshAnchor, (uint48(block.timestamp - 1 hours)));
        updates[5] = _erc20Limit(address(token), LIMIT, WEEK);
        updates[6] = _nativeLimit(1 ether, DAY);
        updates[7] = _noNativeLimit();
        updates[8] = _gasLimit(1 ether, DAY);
        updates[9] = _noGasLimit();
        updates[10] = abi.encodeCall(Updates.setCallLimit, (10, uint48(DAY)));
        if (withPaymaster) updates[11] = abi.encodeCall(Updates.setRequiredPaymaster, (PAYMASTER));
    }

    /// @dev Every kind's struct hashes as the owner's wallet hashed it (forge's EIP-712 over the typed data): the
    /// module's kind table (selector → field, type hash) holds for each.
    function test_everyKind_isSignedAsTheWalletShowsIt() public {
        uint256 snapshot = vm.snapshotState();
        _handleOp(_grantOp(_grant(_everyKind(false), 3), _transfer(1e6)));
        ISessionKeyLens.SessionKeyInfo memory info = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        assertEq(info.refreshAnchor, block.timestamp - 1 hours, "anchor");
        assertEq(lens.getCallLimit(address(module), address(account), sessionKey).limit, 10, "call limit");
        assertEq(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(token)).used, 1e6);

        // The last field too: the grant is accepted, and the op then fails only for want of the paymaster it requires.
        vm.revertToState(snapshot);
        _expectValidateRevert(
            _grantOp(_grant(_everyKind(true), 3), _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.RequiredPaymasterMissing.selector, PAYMASTER, address(0))
        );
    }

    function test_aGrantedKey_isLikeAnAddedOne() public {
        bytes[] memory updates = _grantPermissions(LIMIT, 1 ether);
        _handleOp(_grantOp(_grant(updates, 1), _transfer(1e6)));
        address added = makeAddr("added");
        _addKey(added, _fullPermissionSet(LIMIT, 1 ether));
        ISessionKeyLens.SessionKeyInfo memory a = lens.getSessionKeyInfo(address(module), address(account), sessionKey);
        ISessionKeyLens.SessionKeyInfo memory b = lens.getSessionKeyInfo(address(module), address(account), added);
        assertEq(a.validFrom, b.validFrom);
        assertEq(a.validUntil, b.validUntil);
        assertEq(uint8(a.accessListType), uint8(b.accessListType));
        assertEq(a.gasSpend.limit, b.gasSpend.limit);
        assertEq(a.refreshAnchor, b.refreshAnchor);
        assertEq(lens.sessionKeysOf(address(module), address(account)).length, 2);
    }

    function test_theWindow_isWithinAnHourOfTheStatedTime() public {
        // Lifetime limits: nothing but the grant narrows the window.
        bytes[] memory updates = _grantPermissions(LIMIT, 1 ether);
        updates[3] = _erc20Limit(address(token), LIMIT, 0);
        updates[4] = _gasLimit(1 ether, 0);
        uint256 data = _validate(_grantOp(_grant(updates, 1), _transfer(1e6)));
        assertEq(uint48(data >> 160), block.timestamp + 3600, "validUntil");
        assertEq(data >> 208, block.timestamp - 3600 - 1, "validAfter");
        assertEq(uint160(data), 0, "signature valid");
    }

    /// @dev The stated time is the key's add time: refreshing limits' first periods start there, so the op cannot run
    /// before it.
    function test_refreshingLimits_startTheirPeriodsAtTheStatedTime() public {
        uint256 data = _validate(_grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 1), _transfer(1e6)));
        assertEq(data >> 208, block.timestamp - 1, "validAfter: the first period's start");
        assertEq(lens.getSessionKeyInfo(address(module), address(account), sessionKey).refreshAnchor, block.timestamp);
    }

    function test_theGrantsDeadline_boundsTheWindow() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        g.validUntil = uint48(block.timestamp + 60);
        uint256 data = _validate(_grantOp(g, _transfer(1e6)));
        assertEq(uint48(data >> 160), block.timestamp + 60);
    }

    function test_aWrongSessionSignature_failsValidation_andRegistersNothing() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        (, uint256 otherPk) = makeAddrAndKey("other");
        op.signature =
            _grantSignature(op, otherPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp));
        _assertRefusedLeavingNothing(op);
        // Validation itself runs every check and reports the failed signature (the EntryPoint then refuses the op).
        assertEq(uint160(_validate(op)), 1, "SIG_VALIDATION_FAILED");
    }

    // ---------------------------------------------------------------- replay and cancellation

    function test_replayAfterRemoval_doesNotBringTheKeyBack() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 3);
        bytes memory ownerSignature = _signGrant(g, ownerKey);
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        op.signature = _grantSignature(op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, ownerSignature, block.timestamp));
        _handleOp(op);
        vm.prank(address(account));
        module.removeSessionKey(sessionKey);

        PackedUserOperation memory replay = _sessionOp(_transfer(1e6));
        replay.signature =
            _grantSignature(replay, sessionKeyPk, block.timestamp, _grantArgs(g, 0, ownerSignature, block.timestamp));
        _expectRefused(replay, abi.encodeWithSelector(ISessionKeyModule.GrantAlreadyUsed.selector, 3));
    }

    function test_aGrantForAnExistingKey_isRefused() public {
        _addKey(sessionKey, _fullPermissionSet(LIMIT, 1 ether));
        PackedUserOperation memory op = _grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 1), _transfer(1e6));
        _expectValidateRevert(op, abi.encodeWithSelector(ISessionKeyModule.SessionKeyAlreadyExists.selector, sessionKey));
    }

    function test_cancel_killsAnUnusedGrant() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 200); // a nonce outside the state word
        vm.expectEmit(true, false, false, true, address(module));
        emit ISessionKeyModule.SessionKeyGrantCancelled(address(account), 200);
        vm.prank(address(account));
        module.cancelSessionKeyGrant(200);
        (, bool used, bool cancelled) = lens.getGrantNonce(address(module), address(account), 200);
        assertTrue(used && cancelled);
        _expectRefused(_grantOp(g, _transfer(1e6)), abi.encodeWithSelector(ISessionKeyModule.GrantCancelled.selector, 200));

        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.GrantCancelled.selector, 200));
        module.cancelSessionKeyGrant(200);
    }

    function test_cancel_anInlineNonce_andAUsedOne() public {
        vm.prank(address(account));
        module.cancelSessionKeyGrant(5);
        _expectRefused(
            _grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 5), _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.GrantCancelled.selector, 5)
        );
        _handleOp(_grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 6), _transfer(1e6)));
        vm.prank(address(account));
        vm.expectRevert(abi.encodeWithSelector(ISessionKeyModule.GrantAlreadyUsed.selector, 6));
        module.cancelSessionKeyGrant(6);
    }

    function test_nonceBitsInTheStateWord_surviveKeyManagement() public {
        _handleOp(_grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 159), _transfer(1e6)));
        address other = makeAddr("other");
        _addKey(other, _fullPermissionSet(LIMIT, 1 ether));
        vm.startPrank(address(account));
        module.removeSessionKey(other);
        module.removeSessionKey(sessionKey);
        vm.stopPrank();
        (, bool used,) = lens.getGrantNonce(address(module), address(account), 159);
        assertTrue(used);
        _expectRefused(
            _grantOp(_grant(_grantPermissions(LIMIT, 1 ether), 159), _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.GrantAlreadyUsed.selector, 159)
        );
    }

    function test_revokeAll_killsEveryUnusedGrant_andNewOnesWork() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 9);
        vm.prank(address(account));
        module.revokeAllSessionKeys();
        _expectRefused(_grantOp(g, _transfer(1e6)), abi.encodeWithSelector(ISessionKeyModule.GrantRevoked.selector, 0, 1));
        g.chains[0].generation = 1;
        _handleOp(_grantOp(g, _transfer(1e6)));
        assertTrue(_isKey(sessionKey));
    }

    function test_uninstall_killsEveryUnusedGrant() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 9);
        vm.startPrank(address(account));
        account.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
        account.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
        vm.stopPrank();
        _expectRefused(_grantOp(g, _transfer(1e6)), abi.encodeWithSelector(ISessionKeyModule.GrantRevoked.selector, 0, 1));
    }

    function test_anExpiredGrant_isRefused() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        g.validUntil = uint48(block.timestamp - 1);
        _expectRefused(
            _grantOp(g, _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.GrantExpired.selector, block.timestamp - 1, block.timestamp)
        );
    }

    // ---------------------------------------------------------------- other accounts, other chains

    function test_aGrantForAnotherAccount_doesNothingHere() public {
        LeashAccount other = factory.createAccount(owner, 1); // the same owner
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        g.account = address(other);
        _expectRefused(
            _grantOp(g, _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.GrantForAnotherAccount.selector, address(other))
        );
    }

    function test_anotherOwnersSignature_isRefused() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        (, uint256 strangerPk) = makeAddrAndKey("stranger");
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        op.signature =
            _grantSignature(op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, strangerPk), block.timestamp));
        _expectRefused(op, abi.encodeWithSelector(ISessionKeyModule.InvalidGrantSignature.selector));
    }

    function test_aGrantForAnotherChain_doesNothingHere() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        g.chains[0].chainId = 1;
        _expectRefused(
            _grantOp(g, _transfer(1e6)), abi.encodeWithSelector(ISessionKeyModule.GrantForAnotherChain.selector, 1)
        );
    }

    /// @dev One signature, two chains with their own permissions: each chain takes only its own part.
    function test_oneSignature_twoChains_eachWithItsOwnPermissions() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 11);
        ChainPartT[] memory chains = new ChainPartT[](2);
        chains[0] = g.chains[0];
        chains[1] = ChainPartT(block.chainid + 1000, 0, _grantPermissions(LIMIT / 2, 1 ether));
        g.chains = chains;
        bytes memory ownerSignature = _signGrant(g, ownerKey);
        uint256 snapshot = vm.snapshotState();

        // This chain: the other chain's part is refused, its own works.
        _expectRefused(
            _opWith(_grantArgs(g, 1, ownerSignature, block.timestamp)),
            abi.encodeWithSelector(ISessionKeyModule.GrantForAnotherChain.selector, block.chainid + 1000)
        );
        _handleOp(_opWith(_grantArgs(g, 0, ownerSignature, block.timestamp)));
        assertEq(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(token)).limit, LIMIT);

        // The other chain (same addresses, another chain id): the same signature, its own part.
        vm.revertToState(snapshot);
        vm.chainId(block.chainid + 1000);
        _handleOp(_opWith(_grantArgs(g, 1, ownerSignature, block.timestamp)));
        assertEq(lens.getErc20SpendLimit(address(module), address(account), sessionKey, address(token)).limit, LIMIT / 2);
    }

    // ---------------------------------------------------------------- malformed grants

    function test_permissionsOutOfOrder_areRefused() public {
        bytes[] memory updates = _grantPermissions(LIMIT, 1 ether);
        (updates[2], updates[3]) = (updates[3], updates[2]); // the ERC-20 limit before the time range
        _expectRefused(
            _grantOp(_grant(updates, 1), _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.GrantPermissionsOutOfOrder.selector, 3)
        );
    }

    function test_removals_areNotGrantable() public {
        bytes[] memory updates = new bytes[](1);
        updates[0] = abi.encodeCall(Updates.removeErc20SpendLimit, (address(token)));
        _expectRefused(
            _grantOp(_grant(updates, 1), _transfer(1e6)),
            abi.encodeWithSelector(
                ISessionKeyModule.PermissionNotGrantable.selector, 0, Updates.removeErc20SpendLimit.selector
            )
        );
        updates[0] = abi.encodeCall(Updates.removeCallLimit, ());
        _expectRefused(
            _grantOp(_grant(updates, 1), _transfer(1e6)),
            abi.encodeWithSelector(ISessionKeyModule.PermissionNotGrantable.selector, 0, Updates.removeCallLimit.selector)
        );
    }

    function test_anUnsupportedKeyType_isRefused() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        g.keyType = 1;
        _expectRefused(_grantOp(g, _transfer(1e6)), abi.encodeWithSelector(ISessionKeyModule.UnsupportedKeyType.selector, 1));
    }

    function test_aDifferentStatedTimeInTheGrant_isMalformed() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        op.signature = _grantSignature(
            op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp - 7200)
        );
        _expectRefused(op, abi.encodeWithSelector(ISessionKeyModule.MalformedGrant.selector));
    }

    function test_thisChainsHash_mustBeLeftZero_andItsIndexInside() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        bytes memory ownerSignature = _signGrant(g, ownerKey);
        bytes memory args = _grantArgs(g, 0, ownerSignature, block.timestamp);
        // The chain hashes array: after 13 head words, the signature's length word and its 96 padded bytes.
        uint256 hashesAt = 13 * 32 + 32 + 96;
        _setWord(args, hashesAt + 32, keccak256("anything"));
        _expectRefused(_opWith(args), abi.encodeWithSelector(ISessionKeyModule.MalformedGrant.selector));
        args = _grantArgs(g, 0, ownerSignature, block.timestamp);
        _setWord(args, 9 * 32, bytes32(uint256(1))); // chainIndex 1 of 1
        _expectRefused(_opWith(args), abi.encodeWithSelector(ISessionKeyModule.MalformedGrant.selector));
    }

    function test_nonCanonicalOffsets_areMalformed() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        bytes memory args = _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp);
        // The signature's offset moved by a word, with a word inserted: the same values, another layout.
        bytes memory moved = abi.encodePacked(_sliceMemory(args, 0, 13 * 32), bytes32(0), _sliceMemory(args, 13 * 32, args.length));
        _setWord(moved, 10 * 32, bytes32(uint256(14 * 32)));
        _setWord(moved, 11 * 32, bytes32(uint256(_word(args, 11 * 32)) + 32));
        _setWord(moved, 12 * 32, bytes32(uint256(_word(args, 12 * 32)) + 32));
        _expectRefused(_opWith(moved), abi.encodeWithSelector(ISessionKeyModule.MalformedGrant.selector));
        // Bytes after the updates.
        _expectRefused(
            _opWith(abi.encodePacked(args, bytes32(0))),
            abi.encodeWithSelector(ISessionKeyModule.MalformedPermissionUpdateList.selector)
        );
    }

    function test_tooManyChains_areMalformed() public {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        ChainPartT[] memory chains = new ChainPartT[](65);
        for (uint256 c; c < 65; ++c) {
            chains[c] = ChainPartT(block.chainid + c, 0, new bytes[](0));
        }
        chains[0] = g.chains[0];
        g.chains = chains;
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        op.signature = _grantSignature(op, sessionKeyPk, block.timestamp, _grantArgs(g, 0, hex"", block.timestamp));
        _expectRefused(op, abi.encodeWithSelector(ISessionKeyModule.MalformedGrant.selector));
    }

    // ---------------------------------------------------------------- tampering

    /// @dev Any bit of any word of the grant part changed after the owner signed (padding included; the offsets have
    /// their own tests): the op is refused and nothing changes.
    function testFuzz_tamperingWithAnyWord_isRefused(uint256 wordSeed, uint256 delta) public {
        bytes memory args = _twoChainArgs();
        uint256 w = bound(wordSeed, 0, args.length / 32 - 1);
        vm.assume(w < 10 || w > 12); // the offsets: covered by the malformed-grant tests
        _setWord(args, w * 32, bytes32(uint256(_word(args, w * 32)) ^ bound(delta, 1, type(uint256).max)));
        _assertRefusedLeavingNothing(_opWith(args));
    }

    function _twoChainArgs() internal view returns (bytes memory) {
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        ChainPartT[] memory chains = new ChainPartT[](2);
        chains[0] = g.chains[0];
        chains[1] = ChainPartT(block.chainid + 1, 0, _grantPermissions(LIMIT, 2 ether));
        g.chains = chains;
        return _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp);
    }

    function _assertRefusedLeavingNothing(PackedUserOperation memory op) internal {
        uint256 balance = token.balanceOf(address(account));
        assertFalse(_trySend(op), "refused");
        assertFalse(_isKey(sessionKey), "no key");
        assertEq(token.balanceOf(address(account)), balance, "nothing moved");
        (, bool used,) = lens.getGrantNonce(address(module), address(account), 1);
        assertFalse(used, "nonce unused");
    }

    /// @dev A grant signed by the owner, but carried by another key: its signature fails, nothing changes.
    function testFuzz_anotherKeyCarryingTheGrant_isRefused(uint256 otherPk) public {
        otherPk = bound(otherPk, 1, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140);
        vm.assume(otherPk != sessionKeyPk);
        GrantT memory g = _grant(_grantPermissions(LIMIT, 1 ether), 1);
        PackedUserOperation memory op = _sessionOp(_transfer(1e6));
        op.signature = _grantSignature(op, otherPk, block.timestamp, _grantArgs(g, 0, _signGrant(g, ownerKey), block.timestamp));
        assertFalse(_trySend(op));
        assertFalse(_isKey(sessionKey));
        assertFalse(_isKey(vm.addr(otherPk)));
    }

    // ---------------------------------------------------------------- the account's ERC-1271

    function test_theAccount_takesAPlainOwnerSignature_onlyFromAnInstalledValidator() public {
        bytes32 digest = keccak256("a digest naming this account");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        bytes memory signature = abi.encodePacked(r, s, v);
        vm.prank(address(module));
        assertEq(account.isValidSignature(digest, signature), bytes4(0x1626ba7e));
        vm.prank(makeAddr("anyone"));
        assertEq(account.isValidSignature(digest, signature), bytes4(0xffffffff));
        (, uint256 strangerPk) = makeAddrAndKey("stranger");
        (v, r, s) = vm.sign(strangerPk, digest);
        vm.prank(address(module));
        assertEq(account.isValidSignature(digest, abi.encodePacked(r, s, v)), bytes4(0xffffffff));
    }

    // ---------------------------------------------------------------- helpers

    function _assertNonce(uint64 nonce, uint32 generation, bool used, bool cancelled) internal view {
        (uint32 g, bool u, bool c) = lens.getGrantNonce(address(module), address(account), nonce);
        assertEq(g, generation, "generation");
        assertEq(u, used, "used");
        assertEq(c, cancelled, "cancelled");
    }

    function _opWith(bytes memory args) internal view returns (PackedUserOperation memory op) {
        op = _sessionOp(_transfer(1e6));
        op.signature = _grantSignature(op, sessionKeyPk, block.timestamp, args);
    }

    function _word(bytes memory b, uint256 at) internal pure returns (bytes32 w) {
        assembly {
            w := mload(add(add(b, 0x20), at))
        }
    }

    function _setWord(bytes memory b, uint256 at, bytes32 w) internal pure {
        assembly {
            mstore(add(add(b, 0x20), at), w)
        }
    }

    function _sliceMemory(bytes memory b, uint256 from, uint256 to) internal pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) {
            out[i] = b[from + i];
        }
    }
}
