// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEntryPoint, PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {MODULE_TYPE_VALIDATOR, Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {ERC7579Utils} from "@openzeppelin/contracts/account/utils/draft-ERC7579Utils.sol";
import {Account as OZAccount} from "@openzeppelin/contracts/account/Account.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ERC7739Utils} from "@openzeppelin/contracts/utils/cryptography/draft-ERC7739Utils.sol";
import {LeashAccount} from "../../src/account/LeashAccount.sol";
import {LeashAccountFactory} from "../../src/account/LeashAccountFactory.sol";
import {DevToken} from "../../src/dev/DevToken.sol";
import {MockValidator, RevertingValidator, RecordingValidator} from "../mocks/MockValidator.sol";
import {LeashTestBase, IEntryPointV08} from "../utils/LeashTestBase.sol";

contract LeashAccountTest is LeashTestBase {
    address internal owner;
    uint256 internal ownerKey;
    LeashAccount internal account;
    DevToken internal token;
    MockValidator internal validator;

    function setUp() public {
        _setUpEntryPoint();
        (owner, ownerKey) = makeAddrAndKey("owner");
        account = factory.createAccount(owner, 0);
        vm.deal(address(account), 10 ether);
        token = new DevToken("USD Coin", "USDC", 6);
        token.mint(address(account), 1_000e6);
        validator = new MockValidator();
    }

    function _ownerOp(bytes memory callData) internal view returns (PackedUserOperation memory op) {
        op = _userOp(address(account), entryPoint.getNonce(address(account), 0), callData);
        op.signature = _signOp(op, ownerKey);
    }

    // ---------------------------------------------------------------- factory and deployment

    function test_factory_predictsTheCloneAddress() public {
        address predicted = factory.getAccountAddress(owner, 7);
        assertEq(predicted.code.length, 0);
        LeashAccount created = factory.createAccount(owner, 7);
        assertEq(address(created), predicted);
        assertEq(created.signer(), owner);
        assertEq(address(created.entryPoint()), 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108);
    }

    function test_factory_createAccountIsIdempotent() public {
        LeashAccount again = factory.createAccount(owner, 0);
        assertEq(address(again), address(account));
        assertEq(again.signer(), owner);
    }

    function test_factory_ownerIsPartOfTheAddress() public {
        assertTrue(factory.getAccountAddress(owner, 0) != factory.getAccountAddress(makeAddr("other"), 0));
        assertTrue(factory.getAccountAddress(owner, 0) != factory.getAccountAddress(owner, 1));
    }

    function test_account_cannotBeInitializedTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        account.initialize(makeAddr("attacker"));
    }

    function test_implementation_cannotBeInitialized() public {
        LeashAccount implementation = factory.ACCOUNT_IMPLEMENTATION();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(makeAddr("attacker"));
    }

    function test_firstUserOp_deploysTheAccount() public {
        (address newOwner, uint256 newKey) = makeAddrAndKey("newOwner");
        address sender = factory.getAccountAddress(newOwner, 0);
        vm.deal(sender, 1 ether);
        address recipient = makeAddr("recipient");

        PackedUserOperation memory op = _userOp(sender, 0, _executeSingle(recipient, 0.1 ether, ""));
        op.initCode = _initCode(newOwner, 0);
        op.signature = _signOp(op, newKey);
        _handleOp(op);

        assertGt(sender.code.length, 0);
        assertEq(LeashAccount(payable(sender)).signer(), newOwner);
        assertEq(recipient.balance, 0.1 ether);
    }

    // ---------------------------------------------------------------- owner ops

    function test_ownerOp_nativeTransfer() public {
        address recipient = makeAddr("recipient");
        _handleOp(_ownerOp(_executeSingle(recipient, 1 ether, "")));
        assertEq(recipient.balance, 1 ether);
        assertEq(entryPoint.getNonce(address(account), 0), 1);
    }

    function test_ownerOp_batch() public {
        address recipient = makeAddr("recipient");
        Execution[] memory calls = new Execution[](2);
        calls[0] = Execution(recipient, 0.5 ether, "");
        calls[1] = Execution(address(token), 0, abi.encodeCall(token.transfer, (recipient, 25e6)));
        _handleOp(_ownerOp(_executeBatch(calls)));
        assertEq(recipient.balance, 0.5 ether);
        assertEq(token.balanceOf(recipient), 25e6);
    }

    function test_ownerOp_wrongSignerIsRefused() public {
        (, uint256 strangerKey) = makeAddrAndKey("stranger");
        PackedUserOperation memory op =
            _userOp(address(account), 0, _executeSingle(makeAddr("recipient"), 1 ether, ""));
        op.signature = _signOp(op, strangerKey);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_ownerOp_malformedSignatureIsRefused() public {
        PackedUserOperation memory op =
            _userOp(address(account), 0, _executeSingle(makeAddr("recipient"), 1 ether, ""));
        op.signature = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_ownerOp_signatureCannotBeReplayedOnAnotherAccount() public {
        LeashAccount second = factory.createAccount(owner, 1);
        vm.deal(address(second), 1 ether);
        PackedUserOperation memory op = _ownerOp(_executeSingle(makeAddr("recipient"), 1 ether, ""));
        op.sender = address(second);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_ownerOp_fieldTamperingInvalidatesTheSignature() public {
        PackedUserOperation memory op = _ownerOp(_executeSingle(makeAddr("recipient"), 1 ether, ""));
        op.callData = _executeSingle(makeAddr("thief"), 1 ether, "");
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_onlyEntryPointCanValidate() public {
        PackedUserOperation memory op = _ownerOp(_executeSingle(makeAddr("recipient"), 1 ether, ""));
        vm.expectRevert(abi.encodeWithSelector(OZAccount.AccountUnauthorized.selector, address(this)));
        account.validateUserOp(op, bytes32(0), 0);
    }

    function test_onlyEntryPointOrSelfCanExecute() public {
        vm.expectRevert(abi.encodeWithSelector(OZAccount.AccountUnauthorized.selector, address(this)));
        account.execute(bytes32(0), abi.encodePacked(address(this), uint256(1 ether), ""));
    }

    // ---------------------------------------------------------------- modules

    function _installValidator(address validatorSigner) internal {
        bytes memory install = abi.encodeCall(
            account.installModule, (MODULE_TYPE_VALIDATOR, address(validator), abi.encode(validatorSigner))
        );
        _handleOp(_ownerOp(_executeSingle(address(account), 0, install)));
    }

    function test_module_installAndUseThroughUserOps() public {
        (address moduleSigner, uint256 moduleKey) = makeAddrAndKey("moduleSigner");
        _installValidator(moduleSigner);
        assertTrue(account.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(validator), ""));
        assertEq(validator.signerOf(address(account)), moduleSigner);

        // An op on the validator's nonce lane is validated by the module, not the owner.
        address recipient = makeAddr("recipient");
        uint192 key = _nonceKey(address(validator), 1);
        PackedUserOperation memory op = _userOp(
            address(account), entryPoint.getNonce(address(account), key), _executeSingle(recipient, 1 ether, "")
        );
        op.signature = _signOp(op, moduleKey);
        _handleOp(op);
        assertEq(recipient.balance, 1 ether);

        // The owner's signature is not valid on the module's lane.
        op = _userOp(address(account), entryPoint.getNonce(address(account), key), _executeSingle(recipient, 1, ""));
        op.signature = _signOp(op, ownerKey);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_module_uninstallThroughUserOp() public {
        (address moduleSigner, uint256 moduleKey) = makeAddrAndKey("moduleSigner");
        _installValidator(moduleSigner);
        bytes memory uninstall = abi.encodeCall(account.uninstallModule, (MODULE_TYPE_VALIDATOR, address(validator), ""));
        _handleOp(_ownerOp(_executeSingle(address(account), 0, uninstall)));
        assertFalse(account.isModuleInstalled(MODULE_TYPE_VALIDATOR, address(validator), ""));
        assertEq(validator.uninstallCount(address(account)), 1);

        // With the module gone, its lane falls back to the owner: the module's key is refused.
        uint192 key = _nonceKey(address(validator), 1);
        PackedUserOperation memory op = _userOp(
            address(account), entryPoint.getNonce(address(account), key), _executeSingle(makeAddr("r"), 1, "")
        );
        op.signature = _signOp(op, moduleKey);
        vm.expectRevert(abi.encodeWithSelector(IEntryPoint.FailedOp.selector, 0, "AA24 signature error"));
        _handleOp(op);
    }

    function test_module_receivesTheOpAndItsHashIntact() public {
        RecordingValidator recording = new RecordingValidator();
        vm.prank(address(account));
        account.installModule(MODULE_TYPE_VALIDATOR, address(recording), "");
        uint192 key = _nonceKey(address(recording), 7);
        PackedUserOperation memory op = _userOp(
            address(account), entryPoint.getNonce(address(account), key), _executeSingle(makeAddr("r"), 1, "")
        );
        op.paymasterAndData = "";
        op.signature = hex"0102030405";
        _handleOp(op);
        // The account forwards the EntryPoint's encoding; the module must decode exactly (userOp, userOpHash).
        assertEq(recording.seenOp(), keccak256(abi.encode(op)));
        assertEq(recording.seenHash(), entryPoint.getUserOpHash(op));
    }

    function test_module_validationRevertBubblesUp() public {
        RevertingValidator reverting = new RevertingValidator();
        vm.prank(address(account));
        account.installModule(MODULE_TYPE_VALIDATOR, address(reverting), "");
        uint192 key = _nonceKey(address(reverting), 0);
        PackedUserOperation memory op =
            _userOp(address(account), entryPoint.getNonce(address(account), key), _executeSingle(makeAddr("r"), 1, ""));
        op.signature = hex"00";
        vm.expectRevert(
            abi.encodeWithSelector(
                IEntryPoint.FailedOpWithRevert.selector,
                0,
                "AA23 reverted",
                abi.encodeWithSelector(RevertingValidator.Refused.selector, 42, address(account))
            )
        );
        _handleOp(op);
    }

    function test_module_notInstalledFallsBackToTheOwner() public {
        // A nonce key naming a module that is not installed is validated by the owner, as in AccountERC7579.
        uint192 key = _nonceKey(address(validator), 0);
        address recipient = makeAddr("recipient");
        PackedUserOperation memory op =
            _userOp(address(account), entryPoint.getNonce(address(account), key), _executeSingle(recipient, 1 ether, ""));
        op.signature = _signOp(op, ownerKey);
        _handleOp(op);
        assertEq(recipient.balance, 1 ether);
    }

    function test_module_installRequiresTheAccount() public {
        vm.expectRevert(abi.encodeWithSelector(OZAccount.AccountUnauthorized.selector, address(this)));
        account.installModule(MODULE_TYPE_VALIDATOR, address(validator), abi.encode(address(this)));
    }

    function test_module_cannotBeInstalledTwice() public {
        _installValidator(owner);
        vm.prank(address(account));
        vm.expectRevert(
            abi.encodeWithSelector(
                ERC7579Utils.ERC7579AlreadyInstalledModule.selector, MODULE_TYPE_VALIDATOR, address(validator)
            )
        );
        account.installModule(MODULE_TYPE_VALIDATOR, address(validator), abi.encode(owner));
    }

    // ---------------------------------------------------------------- ERC-1271

    function _personalSignDigest(LeashAccount signingAccount, bytes32 message) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifying,,) =
            signingAccount.eip712Domain();
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                chainId,
                verifying
            )
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator, ERC7739Utils.personalSignStructHash(message));
    }

    function test_erc1271_ownerSignsThroughERC7739() public {
        bytes32 message = keccak256("hello");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, _personalSignDigest(account, message));
        assertEq(account.isValidSignature(message, abi.encodePacked(r, s, v)), IERC1271.isValidSignature.selector);

        // The same signature is worthless for another account of the same owner.
        LeashAccount second = factory.createAccount(owner, 9);
        assertEq(second.isValidSignature(message, abi.encodePacked(r, s, v)), bytes4(0xffffffff));
    }

    function test_erc1271_rawOwnerSignatureIsRefused() public view {
        bytes32 message = keccak256("hello");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, message);
        assertEq(account.isValidSignature(message, abi.encodePacked(r, s, v)), bytes4(0xffffffff));
    }

    function test_erc1271_moduleSignature() public {
        (address moduleSigner, uint256 moduleKey) = makeAddrAndKey("moduleSigner");
        _installValidator(moduleSigner);
        bytes32 message = keccak256("hello");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(moduleKey, message);
        assertEq(
            account.isValidSignature(message, abi.encodePacked(address(validator), r, s, v)),
            IERC1271.isValidSignature.selector
        );
    }

    // ---------------------------------------------------------------- factory stake

    function test_factory_anyoneCanStake_onlyOwnerCanUnlock() public {
        address donor = makeAddr("donor");
        vm.deal(donor, 2 ether);
        vm.prank(donor);
        factory.addStake{value: 1 ether}(1 days);
        IEntryPointV08.DepositInfo memory info = entryPoint.getDepositInfo(address(factory));
        assertTrue(info.staked);
        assertEq(info.stake, 1 ether);
        assertEq(info.unstakeDelaySec, 1 days);

        vm.prank(donor);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, donor));
        factory.unlockStake();

        factory.unlockStake();
        vm.warp(block.timestamp + 1 days + 1);
        address payable treasury = payable(makeAddr("treasury"));
        factory.withdrawStake(treasury);
        assertEq(treasury.balance, 1 ether);
    }
}
