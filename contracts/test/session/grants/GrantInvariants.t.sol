// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {MODULE_TYPE_VALIDATOR} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {GrantTestBase, GrantT} from "../../utils/GrantTestBase.sol";

/**
 * @dev Drives one account through random owner actions (add, remove, sign a grant, cancel, revoke-all, uninstall) and
 * random grant ops through the EntryPoint: the owner's grants carried by their key or by another, tampered with,
 * replayed; grants signed by a stranger; grants for another account. Records what the owner authorized.
 */
contract GrantHandler is GrantTestBase {
    uint256 internal constant KEYS = 4;
    uint256[KEYS] internal keyPks;

    /// A grant's op part (stated time patched at use) and who it is for.
    struct Stored {
        bytes args;
        uint256 keyIndex;
        bool byOwner;
        uint64 nonce;
        uint32 generation;
    }

    Stored[] internal grants;
    /// Keys the owner added, or named in a grant the owner signed.
    mapping(address => bool) public authorized;
    /// Grants that validated though the owner never signed them, or a second time in one generation.
    uint256 public forgedAccepted;
    uint256 public replayAccepted;
    mapping(uint256 => mapping(uint64 => bool)) internal usedIn;
    uint256 public accepted;

    constructor() {
        setUp();
        token.mint(address(account), 1e30);
        for (uint256 i; i < KEYS; ++i) {
            keyPks[i] = uint256(keccak256(abi.encode("grant handler key", i)));
        }
    }

    function keyAt(uint256 i) public view returns (address) {
        return vm.addr(keyPks[i]);
    }

    function _generation() internal view returns (uint32 generation) {
        (generation,,) = lens.getGrantNonce(address(module), address(account), 0);
    }

    // ---------------------------------------------------------------- owner actions

    function ownerAdds(uint256 k) external {
        address key = keyAt(k % KEYS);
        if (!module.isInitialized(address(account)) || _isKey(key)) return;
        authorized[key] = true;
        vm.prank(address(account));
        module.addSessionKey(key, bytes32("added"), _grantPermissions(100e6, 1 ether));
    }

    function ownerRemoves(uint256 k) external {
        address key = keyAt(k % KEYS);
        if (!_isKey(key)) return;
        vm.prank(address(account));
        module.removeSessionKey(key);
    }

    function ownerSigns(uint256 k, uint256 nonceSeed) external {
        _store(k % KEYS, uint64(nonceSeed % 320), ownerKey, true);
    }

    function strangerSigns(uint256 k, uint256 nonceSeed) external {
        _store(k % KEYS, uint64(nonceSeed % 320), uint256(keccak256("stranger")), false);
    }

    function ownerCancels(uint256 nonceSeed) external {
        if (!module.isInitialized(address(account))) return;
        vm.prank(address(account));
        try module.cancelSessionKeyGrant(uint64(nonceSeed % 320)) {} catch {}
    }

    function ownerRevokesAll() external {
        if (!module.isInitialized(address(account))) return;
        vm.prank(address(account));
        module.revokeAllSessionKeys();
    }

    function ownerTogglesInstall() external {
        vm.startPrank(address(account));
        if (module.isInitialized(address(account))) account.uninstallModule(MODULE_TYPE_VALIDATOR, address(module), "");
        else account.installModule(MODULE_TYPE_VALIDATOR, address(module), "");
        vm.stopPrank();
    }

    function _store(uint256 keyIndex, uint64 nonce, uint256 signerPk, bool byOwner) internal {
        GrantT memory g = _grant(_grantPermissions(100e6, 1 ether), nonce);
        g.sessionKey = keyAt(keyIndex);
        g.chains[0].generation = _generation();
        if (byOwner) authorized[g.sessionKey] = true;
        grants.push(Stored(_grantArgs(g, 0, _signGrant(g, signerPk), 0), keyIndex, byOwner, nonce, g.chains[0].generation));
    }

    // ---------------------------------------------------------------- grant ops

    /// @dev A stored grant's op, carried by its key or another, maybe with one word flipped.
    function submit(uint256 i, uint256 carrier, uint256 flipWord, uint256 flipBits) external {
        if (grants.length == 0) return;
        Stored memory s = grants[i % grants.length];
        bytes memory args = s.args;
        assembly {
            mstore(add(args, 0x20), timestamp()) // the stated time: now
        }
        bool tampered = flipBits % 3 == 0;
        if (tampered) {
            uint256 at = 0x20 * (flipWord % (args.length / 0x20));
            assembly {
                let p := add(add(args, 0x20), at)
                mstore(p, xor(mload(p), or(flipBits, 1)))
            }
        }
        uint256 carrierIndex = carrier % 2 == 0 ? s.keyIndex : carrier % KEYS;
        PackedUserOperation memory op = _sessionOp(_transferCall(recipient, 1e6));
        op.signature = _grantSignature(op, keyPks[carrierIndex], block.timestamp, args);
        if (!_trySend(op)) return;
        ++accepted;
        if (!s.byOwner || tampered) ++forgedAccepted;
        if (usedIn[s.generation][s.nonce]) ++replayAccepted;
        usedIn[s.generation][s.nonce] = true;
    }

    function warp(uint256 dt) external {
        vm.warp(block.timestamp + dt % 2 days);
    }

    function allKeys() external view returns (address[] memory) {
        if (!module.isInitialized(address(account))) return new address[](0);
        return lens.sessionKeysOf(address(module), address(account));
    }
}

/// forge-config: default.invariant.runs = 32
/// forge-config: default.invariant.depth = 40
/// forge-config: deep.invariant.runs = 2000
/// forge-config: deep.invariant.depth = 50
contract GrantInvariantTest is GrantTestBase {
    GrantHandler internal handler;

    function setUp() public override {
        handler = new GrantHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = GrantHandler.ownerAdds.selector;
        selectors[1] = GrantHandler.ownerRemoves.selector;
        selectors[2] = GrantHandler.ownerSigns.selector;
        selectors[3] = GrantHandler.ownerSigns.selector;
        selectors[4] = GrantHandler.strangerSigns.selector;
        selectors[5] = GrantHandler.ownerCancels.selector;
        selectors[6] = GrantHandler.ownerRevokesAll.selector;
        selectors[7] = GrantHandler.ownerTogglesInstall.selector;
        selectors[8] = GrantHandler.submit.selector;
        selectors[9] = GrantHandler.submit.selector;
        selectors[10] = GrantHandler.submit.selector;
        selectors[11] = GrantHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The handler's paths work: an owner's grant carried by its key is accepted once, the rest refused (else the
    /// invariants below would hold vacuously).
    function test_theHandler_acceptsAnOwnersGrantOnce_andRefusesTheRest() public {
        handler.ownerSigns(0, 5);
        handler.strangerSigns(1, 6);
        handler.submit(1, 0, 0, 1); // the stranger's
        handler.submit(0, 0, 7, 3); // the owner's, tampered
        assertEq(handler.accepted(), 0);
        handler.submit(0, 0, 0, 1); // the owner's, as signed
        handler.submit(0, 0, 0, 1); // again
        assertEq(handler.accepted(), 1);
        assertEq(handler.allKeys().length, 1);
        assertEq(handler.allKeys()[0], handler.keyAt(0));
    }

    /// No key exists that the owner did not add or sign a grant for.
    function invariant_everyKeyWasAddedOrSignedByTheOwner() public view {
        address[] memory keys = handler.allKeys();
        for (uint256 i; i < keys.length; ++i) {
            assertTrue(handler.authorized(keys[i]), "a key the owner never authorized");
        }
    }

    /// No op validated with a grant the owner did not sign as carried, nor with a grant already used.
    function invariant_noForgedOrReplayedGrantValidates() public view {
        assertEq(handler.forgedAccepted(), 0, "forged or tampered grant accepted");
        assertEq(handler.replayAccepted(), 0, "grant used twice in one generation");
    }
}
