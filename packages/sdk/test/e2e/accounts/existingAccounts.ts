// Deploys the accounts people already have (Kernel v3.1, Nexus 1.0, Safe + Safe7579, the ERC-7579 reference MSA) on the
// local stack from @rhinestone/modulekit 0.5.9's compiled bytecode (fetched and integrity-checked by
// tools/accounts/fetch-modulekit.mjs), each with its owner in OwnerEcdsaValidator (which signs like Kernel's ECDSA
// validator and Nexus's K1 validator: those are not in the tarball).
import fs from 'node:fs';
import { type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient, type Account, concat, getAddress, http, encodeAbiParameters, encodeFunctionData, parseAbi, parseEther, zeroAddress } from 'viem';
import { createBundlerClient, entryPoint07Abi } from 'viem/account-abstraction';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { toKernelSmartAccount, toNexusSmartAccount } from 'permissionless/accounts';
import {
  type AccountKind,
  type LeashAddresses,
  type SessionKeySignerLike,
  entryPoints,
  estimateUserOperationFees,
  kernelAccountKind,
  msaAccountKind,
  nexusAccountKind,
  safe7579AccountKind,
  sessionKeyActions,
  toErc7579SmartAccount,
  withSessionKeyCapability,
} from '@leash/sdk';
import { ownerEcdsaValidatorBytecode } from '../../../src/generated/OwnerEcdsaValidator.js';
// @ts-expect-error: a plain .mjs tool without types
import { fetchModulekitBytecode } from '../../../../../tools/accounts/fetch-modulekit.mjs';

export type ExistingAccountKind = 'kernel' | 'nexus' | 'safe7579' | 'msa';

type Bytecode = Record<string, Hex>;
let cached: Bytecode | undefined;
/** The accounts' creation code: fetched on first use when `npm install` did not (the cache lives under node_modules). */
export function modulekitBytecode(): Bytecode {
  if (!cached) cached = JSON.parse(fs.readFileSync(fetchModulekitBytecode({ log: () => {} }) as string, 'utf8')).contracts as Bytecode;
  return cached;
}

const entryPoint07 = entryPoints['0.7'].address;
const kernelAbi = parseAbi([
  'function initialize(bytes21 rootValidator, address hook, bytes validatorData, bytes hookData, bytes[] initConfig)',
  'function createAccount(bytes data, bytes32 salt) payable returns (address)',
]);
const proxyInitAbi = parseAbi(['function initializeAccount(bytes data)']);
const nexusBootstrapAbi = parseAbi(['function initNexusWithSingleValidator(address validator, bytes data, address registry, address[] attesters, uint8 threshold)']);
const msaBootstrapAbi = parseAbi([
  'struct BootstrapConfig { address module; bytes data; }',
  'function initMSA(BootstrapConfig[] validators, BootstrapConfig[] executors, BootstrapConfig hook, BootstrapConfig[] fallbacks)',
]);
const safeAbi = parseAbi([
  'function setup(address[] owners, uint256 threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)',
  'function createProxyWithNonce(address singleton, bytes initializer, uint256 saltNonce) returns (address)',
  'struct ModuleInit { address module; bytes initData; }',
  'function addSafe7579(address safe7579, ModuleInit[] validators, ModuleInit[] executors, ModuleInit[] fallbacks, ModuleInit[] hooks, address[] attesters, uint8 threshold)',
]);

/** The shared contracts of each kind (implementations, factories, bootstraps) and the owner validator. */
export type ExistingAccountInfrastructure = Awaited<ReturnType<typeof deployExistingAccountInfrastructure>>;

/**
 * Deploys, once per stack, the implementations and factories of the four accounts (or of `only` these) and the owner
 * validator. Kernel's and the reference account's test bytecode is over EIP-170's limit: leave them out on a chain
 * that keeps the limit.
 */
export async function deployExistingAccountInfrastructure(
  deployer: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient<Transport, Chain>,
  options: { only?: readonly ExistingAccountKind[] } = {},
) {
  const code = modulekitBytecode();
  const deploy = async (bytecode: Hex, args: Hex = '0x') => {
    const hash = await deployer.sendTransaction({ data: concat([bytecode, args]) });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error('deployment failed');
    return getAddress(receipt.contractAddress);
  };
  const address = (a: Address) => encodeAbiParameters([{ type: 'address' }], [a]);
  const ownerValidator = await deploy(ownerEcdsaValidatorBytecode);
  const wanted = (kind: ExistingAccountKind) => !options.only || options.only.includes(kind);
  const deployFor = (kind: ExistingAccountKind, bytecode: Hex, args?: Hex) => (wanted(kind) ? deploy(bytecode, args) : Promise.resolve(zeroAddress));
  const kernelImplementation = await deployFor('kernel', code.KERNEL_BYTECODE!, address(entryPoint07));
  const kernelFactory = await deployFor('kernel', code.KERNEL_FACTORY_BYTECODE!, address(kernelImplementation));
  const nexusImplementation = await deployFor('nexus', code.NEXUS_BYTECODE!, address(entryPoint07));
  const nexusBootstrap = await deployFor('nexus', code.NEXUS_BOOTSTRAP_BYTECODE!);
  const msaImplementation = await deployFor('msa', code.ERC7579_BYTECODE!);
  const msaBootstrap = await deployFor('msa', code.ERC7579_BOOTSTRAP_BYTECODE!);
  const safe7579 = await deployFor('safe7579', code.SAFE7579_BYTECODE!);
  const safe7579Launchpad = await deployFor(
    'safe7579',
    code.SAFE7579_LAUNCHPAD_BYTECODE!,
    encodeAbiParameters([{ type: 'address' }, { type: 'address' }], [entryPoint07, zeroAddress]),
  );
  const safeSingleton = await deployFor('safe7579', code.SAFE_SINGLETON_BYTECODE!);
  const safeProxyFactory = await deployFor('safe7579', code.SAFE_PROXY_FACTORY_BYTECODE!);
  return {
    ownerValidator,
    kernelImplementation,
    kernelFactory,
    nexusImplementation,
    nexusBootstrap,
    msaImplementation,
    msaBootstrap,
    safe7579,
    safe7579Launchpad,
    safeSingleton,
    safeProxyFactory,
    deploy,
  };
}

/**
 * A new account of `kind` whose owner is `owner` in the owner validator (Safe: also the Safe's only owner), funded with
 * ETH for its ops' prefund.
 */
export async function deployExistingAccount(
  kind: ExistingAccountKind,
  owner: Address,
  infra: ExistingAccountInfrastructure,
  deployer: WalletClient<Transport, Chain, Account>,
  publicClient: PublicClient<Transport, Chain>,
): Promise<Address> {
  const code = modulekitBytecode();
  const ownerData = encodeAbiParameters([{ type: 'address' }], [owner]);
  const salt = BigInt(Math.floor(Math.random() * 2 ** 48));
  let account: Address;
  if (kind === 'kernel') {
    const data = encodeFunctionData({
      abi: kernelAbi,
      functionName: 'initialize',
      // The root validator's id: type 1 (a validator module) ‖ its address; no hook.
      args: [concat(['0x01', infra.ownerValidator]), zeroAddress, owner, '0x', []],
    });
    const { result, request } = await publicClient.simulateContract({
      account: deployer.account,
      address: infra.kernelFactory,
      abi: kernelAbi,
      functionName: 'createAccount',
      args: [data, encodeAbiParameters([{ type: 'uint256' }], [salt])],
    });
    await publicClient.waitForTransactionReceipt({ hash: await deployer.writeContract(request) });
    account = result;
  } else if (kind === 'nexus' || kind === 'msa') {
    const bootstrapCall =
      kind === 'nexus'
        ? encodeFunctionData({ abi: nexusBootstrapAbi, functionName: 'initNexusWithSingleValidator', args: [infra.ownerValidator, owner, zeroAddress, [], 0] })
        : encodeFunctionData({
            abi: msaBootstrapAbi,
            functionName: 'initMSA',
            args: [[{ module: infra.ownerValidator, data: ownerData }], [], { module: zeroAddress, data: '0x' }, []],
          });
    const initData = encodeAbiParameters([{ type: 'address' }, { type: 'bytes' }], [kind === 'nexus' ? infra.nexusBootstrap : infra.msaBootstrap, bootstrapCall]);
    account = await infra.deploy(
      kind === 'nexus' ? code.NEXUS_PROXY_BYTECODE! : code.MSAPROXY_BYTECODE!,
      encodeAbiParameters(
        [{ type: 'address' }, { type: 'bytes' }],
        [kind === 'nexus' ? infra.nexusImplementation : infra.msaImplementation, encodeFunctionData({ abi: proxyInitAbi, functionName: 'initializeAccount', args: [initData] })],
      ),
    );
  } else {
    // An existing-Safe set-up: the Safe's setup delegatecalls the launchpad's addSafe7579, which enables the adapter as
    // the Safe's module and fallback handler and installs the owner validator.
    const setupData = encodeFunctionData({
      abi: safeAbi,
      functionName: 'addSafe7579',
      args: [infra.safe7579, [{ module: infra.ownerValidator, initData: ownerData }], [], [], [], [], 0],
    });
    const initializer = encodeFunctionData({
      abi: safeAbi,
      functionName: 'setup',
      args: [[owner], 1n, infra.safe7579Launchpad, setupData, zeroAddress, zeroAddress, 0n, zeroAddress],
    });
    const { result, request } = await publicClient.simulateContract({
      account: deployer.account,
      address: infra.safeProxyFactory,
      abi: safeAbi,
      functionName: 'createProxyWithNonce',
      args: [infra.safeSingleton, initializer, salt],
    });
    await publicClient.waitForTransactionReceipt({ hash: await deployer.writeContract(request) });
    account = result;
  }
  if (!(await publicClient.getCode({ address: account }))) throw new Error(`no ${kind} account deployed`);
  await publicClient.waitForTransactionReceipt({ hash: await deployer.sendTransaction({ to: account, value: parseEther('1') }) });
  return account;
}

const kinds: Record<ExistingAccountKind, AccountKind> = { kernel: kernelAccountKind, nexus: nexusAccountKind, safe7579: safe7579AccountKind, msa: msaAccountKind };

/** Where the accounts live and how to fund one. */
export type ExistingAccountContext = {
  publicClient: PublicClient<Transport, Chain>;
  deployer: WalletClient<Transport, Chain, Account>;
  bundlerUrl: string;
  addresses: LeashAddresses;
  infra: ExistingAccountInfrastructure;
  /** Gives a new account ETH and tokens. */
  fund: (address: Address) => Promise<void>;
};

/**
 * A new funded account of `kind` (ops paid from a 1 ETH EntryPoint deposit: the bundler's estimate leaves out the gas
 * of paying a prefund), with its owner's bundler client (permissionless for Kernel and Nexus, the SDK's ERC-7579
 * account for Safe7579 and MSA) and a maker of session key clients.
 */
export async function newExistingAccount(id: ExistingAccountKind, context: ExistingAccountContext) {
  const { publicClient, deployer, bundlerUrl, addresses, infra } = context;
  const ownerKey = privateKeyToAccount(generatePrivateKey());
  const address = await deployExistingAccount(id, ownerKey.address, infra, deployer, publicClient);
  await context.fund(address);
  await publicClient.waitForTransactionReceipt({
    hash: await deployer.writeContract({ address: entryPoints['0.7'].address, abi: entryPoint07Abi, functionName: 'depositTo', args: [address], value: parseEther('1') }),
  });
  const kind = kinds[id];
  const entryPoint = { address: entryPoints['0.7'].address, version: '0.7' as const };
  const ownerAccount =
    id === 'kernel'
      ? withSessionKeyCapability(
          await toKernelSmartAccount({ client: publicClient, owners: [ownerKey], version: '0.3.1', entryPoint, address, validatorAddress: infra.ownerValidator }),
          { kind, addresses },
        )
      : id === 'nexus'
        ? withSessionKeyCapability(
            await toNexusSmartAccount({ client: publicClient, owners: [ownerKey], version: '1.0.0', entryPoint, address, validatorAddress: infra.ownerValidator }),
            { kind, addresses },
          )
        : await toErc7579SmartAccount({ client: publicClient, address, kind, owner: { validator: infra.ownerValidator, signer: ownerKey }, addresses });
  const clientOf = <account extends Parameters<typeof createBundlerClient>[0]['account']>(account: account) =>
    createBundlerClient({
      account,
      client: publicClient,
      transport: http(bundlerUrl),
      pollingInterval: 250,
      userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
    }).extend(sessionKeyActions());
  const session = async (signer: SessionKeySignerLike) => clientOf(await toErc7579SmartAccount({ client: publicClient, address, kind, signer, addresses }));
  return { address, owner: clientOf(ownerAccount), session };
}
