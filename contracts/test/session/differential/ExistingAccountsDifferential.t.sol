// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {Vm, VmSafe} from "forge-std/Vm.sol";
import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {OwnerEcdsaValidator} from "../../../src/dev/OwnerEcdsaValidator.sol";
import {EncodingMutator, ModuleReading} from "./CallReadings.sol";

interface IKernelSetup {
    function initialize(bytes21 rootValidator, address hook, bytes calldata validatorData, bytes calldata hookData, bytes[] calldata initConfig)
        external;
    function createAccount(bytes calldata data, bytes32 salt) external payable returns (address);
}

interface IProxyInit {
    function initializeAccount(bytes calldata data) external;
}

interface INexusBootstrap {
    function initNexusWithSingleValidator(address validator, bytes calldata data, address registry, address[] calldata attesters, uint8 threshold)
        external;
}

struct BootstrapConfig {
    address module;
    bytes data;
}

interface IMsaBootstrap {
    function initMSA(BootstrapConfig[] calldata validators, BootstrapConfig[] calldata executors, BootstrapConfig calldata hook, BootstrapConfig[] calldata fallbacks)
        external;
}

struct ModuleInit {
    address module;
    bytes initData;
}

interface ISafeSetup {
    function setup(address[] calldata owners, uint256 threshold, address to, bytes calldata data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)
        external;
    function createProxyWithNonce(address singleton, bytes calldata initializer, uint256 saltNonce) external returns (address);
    function addSafe7579(address safe7579, ModuleInit[] calldata validators, ModuleInit[] calldata executors, ModuleInit[] calldata fallbacks, ModuleInit[] calldata hooks, address[] calldata attesters, uint8 threshold)
        external;
}

/**
 * @dev Issue 15: the canonical-encoding rule against each existing account's own decoder. The accounts (Kernel v3.1,
 * Nexus 1.0, Safe + Safe7579, the ERC-7579 reference MSA) are deployed from Rhinestone modulekit 0.5.9's compiled
 * bytecode, which tools/accounts/fetch-modulekit.mjs fetches and integrity-checks before forge runs (the contracts'
 * `test` script). For adversarial `execute` encodings: every canonical encoding is accepted by the module and run by
 * the account; whenever the module accepts an encoding and the account runs it, the account makes exactly the calls
 * the module read. The account's `execute` is called as the EntryPoint calls it (the module's reading is the same
 * whatever the account: CallReadingDifferential checks it inside a real op).
 */
contract ExistingAccountsDifferentialTest is Test {
    address internal constant ENTRY_POINT_07 = 0x0000000071727De22E5E9d8BAf0edAc6f37da032;
    string internal constant BYTECODE_CACHE = "../node_modules/.cache/leash-accounts/modulekit-0.5.9.json";

    ModuleReading internal moduleReading;
    address[] internal targets;
    address internal owner = makeAddr("owner");
    OwnerEcdsaValidator internal validator;
    string internal bytecode;

    address internal kernel;
    address internal nexus;
    address internal msa;
    address internal safe;
    /// @dev The Safe7579 adapter: the Safe calls it (as its fallback handler), then runs the calls itself.
    address internal safe7579;

    function setUp() public {
        bytecode = vm.readFile(BYTECODE_CACHE);
        moduleReading = new ModuleReading();
        validator = new OwnerEcdsaValidator();
        for (uint256 i; i < 3; ++i) {
            targets.push(makeAddr(string.concat("target", vm.toString(i))));
        }
        kernel = _deployKernel();
        nexus = _deployNexus();
        msa = _deployMsa();
        safe = _deploySafe();
        for (uint256 i; i < 4; ++i) {
            vm.deal([kernel, nexus, msa, safe][i], 1 ether);
        }
    }

    function _code(string memory name) internal view returns (bytes memory) {
        return vm.parseJsonBytes(bytecode, string.concat(".contracts.", name));
    }

    function _create(bytes memory initCode) internal returns (address deployed) {
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(deployed != address(0) && deployed.code.length > 0, "deployment failed");
    }

    function _deployKernel() internal returns (address) {
        address implementation = _create(bytes.concat(_code("KERNEL_BYTECODE"), abi.encode(ENTRY_POINT_07)));
        address factory = _create(bytes.concat(_code("KERNEL_FACTORY_BYTECODE"), abi.encode(implementation)));
        // The root validator's id: type 1 (a validator module) ‖ its address; no hook.
        bytes memory init = abi.encodeCall(
            IKernelSetup.initialize, (bytes21(abi.encodePacked(bytes1(0x01), address(validator))), address(0), abi.encodePacked(owner), "", new bytes[](0))
        );
        return IKernelSetup(factory).createAccount(init, bytes32(0));
    }

    function _deployNexus() internal returns (address) {
        address implementation = _create(bytes.concat(_code("NEXUS_BYTECODE"), abi.encode(ENTRY_POINT_07)));
        address bootstrap = _create(_code("NEXUS_BOOTSTRAP_BYTECODE"));
        bytes memory boot = abi.encodeCall(
            INexusBootstrap.initNexusWithSingleValidator, (address(validator), abi.encodePacked(owner), address(0), new address[](0), 0)
        );
        bytes memory init = abi.encodeCall(IProxyInit.initializeAccount, (abi.encode(bootstrap, boot)));
        return _create(bytes.concat(_code("NEXUS_PROXY_BYTECODE"), abi.encode(implementation, init)));
    }

    function _deployMsa() internal returns (address) {
        address implementation = _create(_code("ERC7579_BYTECODE"));
        address bootstrap = _create(_code("ERC7579_BOOTSTRAP_BYTECODE"));
        BootstrapConfig[] memory validators = new BootstrapConfig[](1);
        validators[0] = BootstrapConfig(address(validator), abi.encode(owner));
        bytes memory boot = abi.encodeCall(
            IMsaBootstrap.initMSA, (validators, new BootstrapConfig[](0), BootstrapConfig(address(0), ""), new BootstrapConfig[](0))
        );
        bytes memory init = abi.encodeCall(IProxyInit.initializeAccount, (abi.encode(bootstrap, boot)));
        return _create(bytes.concat(_code("MSAPROXY_BYTECODE"), abi.encode(implementation, init)));
    }

    function _deploySafe() internal returns (address) {
        safe7579 = _create(_code("SAFE7579_BYTECODE"));
        address launchpad = _create(bytes.concat(_code("SAFE7579_LAUNCHPAD_BYTECODE"), abi.encode(ENTRY_POINT_07, address(0))));
        address singleton = _create(_code("SAFE_SINGLETON_BYTECODE"));
        address factory = _create(_code("SAFE_PROXY_FACTORY_BYTECODE"));
        ModuleInit[] memory validators = new ModuleInit[](1);
        validators[0] = ModuleInit(address(validator), abi.encode(owner));
        ModuleInit[] memory none = new ModuleInit[](0);
        // The Safe's setup delegatecalls the launchpad's addSafe7579: the adapter becomes its module and fallback handler.
        bytes memory addAdapter = abi.encodeCall(ISafeSetup.addSafe7579, (safe7579, validators, none, none, none, new address[](0), 0));
        address[] memory owners = new address[](1);
        owners[0] = owner;
        bytes memory initializer =
            abi.encodeCall(ISafeSetup.setup, (owners, 1, launchpad, addAdapter, address(0), address(0), 0, address(0)));
        return ISafeSetup(factory).createProxyWithNonce(singleton, initializer, 0);
    }

    function _moduleReads(bytes memory callData) internal view returns (bool ok, Execution[] memory calls) {
        PackedUserOperation memory op;
        op.callData = callData;
        try moduleReading.validateUserOp(op, bytes32(0)) returns (Execution[] memory read) {
            return (true, read);
        } catch {
            return (false, calls);
        }
    }

    /// @dev Runs `callData` on `account` as the EntryPoint does; returns whether it ran and the calls it made.
    function _accountRuns(address account, bytes memory callData) internal returns (bool ok, Execution[] memory made) {
        vm.startStateDiffRecording();
        vm.prank(ENTRY_POINT_07);
        (ok,) = account.call(callData);
        Vm.AccountAccess[] memory accesses = vm.stopAndReturnStateDiff();
        made = new Execution[](accesses.length);
        uint256 n;
        for (uint256 i; i < accesses.length; ++i) {
            Vm.AccountAccess memory a = accesses[i];
            if (a.kind != VmSafe.AccountAccessKind.Call || a.accessor != account || a.reverted) continue;
            // Precompiles, and the Safe handing the call to its adapter, are not calls the op asked for.
            if (uint160(a.account) < 0x100 || a.account == safe7579) continue;
            made[n++] = Execution(a.account, a.value, a.data);
        }
        assembly ("memory-safe") {
            mstore(made, n)
        }
    }

    function _check(address account, uint256 seed, uint256 mutation) internal {
        bytes memory callData = EncodingMutator.build(targets, seed, mutation);
        (bool moduleOk, Execution[] memory moduleCalls) = _moduleReads(callData);
        bool canonical = EncodingMutator.keepsCanonical(mutation % EncodingMutator.MUTATIONS);
        if (canonical) assertTrue(moduleOk, "canonical refused by the module");
        if (!moduleOk) return;
        (bool ran, Execution[] memory made) = _accountRuns(account, callData);
        // An account may refuse more than the module (that is safe); a canonical op within its balance it must run.
        if (canonical) assertTrue(ran, "the account refused a canonical encoding");
        if (ran) assertEq(abi.encode(made), abi.encode(moduleCalls), "the account ran other calls than the module read");
    }

    function test_theAccountsAreWhatTheyClaim() public view {
        assertTrue(_startsWith(_accountId(kernel), "kernel."), "kernel");
        assertTrue(_startsWith(_accountId(nexus), "biconomy.nexus"), "nexus");
        assertTrue(_startsWith(_accountId(safe), "rhinestone.safe7579"), "safe7579");
        assertTrue(_startsWith(_accountId(msa), "uMSA") || _startsWith(_accountId(msa), "rhinestone.msa"), "msa");
    }

    /// forge-config: default.fuzz.runs = 300
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_kernelRunsWhatTheModuleRead(uint256 seed, uint256 mutation) public {
        _check(kernel, seed, mutation);
    }

    /// forge-config: default.fuzz.runs = 300
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_nexusRunsWhatTheModuleRead(uint256 seed, uint256 mutation) public {
        _check(nexus, seed, mutation);
    }

    /// forge-config: default.fuzz.runs = 300
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_safe7579RunsWhatTheModuleRead(uint256 seed, uint256 mutation) public {
        _check(safe, seed, mutation);
    }

    /// forge-config: default.fuzz.runs = 300
    /// forge-config: deep.fuzz.runs = 50000
    function testFuzz_msaRunsWhatTheModuleRead(uint256 seed, uint256 mutation) public {
        _check(msa, seed, mutation);
    }

    function _accountId(address account) internal view returns (string memory) {
        (bool ok, bytes memory answer) = account.staticcall(abi.encodeWithSignature("accountId()"));
        require(ok, "no accountId()");
        return abi.decode(answer, (string));
    }

    function _startsWith(string memory text, string memory prefix) internal pure returns (bool) {
        bytes memory t = bytes(text);
        bytes memory p = bytes(prefix);
        if (t.length < p.length) return false;
        for (uint256 i; i < p.length; ++i) {
            if (t[i] != p[i]) return false;
        }
        return true;
    }
}
