import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type Address, type Hex, keccak256, parseEther } from 'viem';
import { entryPoint07Address } from 'viem/account-abstraction';
import { deployDeterministic } from '@leash/sdk';
import type { BenchChain } from '../../benchChain.js';
import { installedVersion } from '../../environment.js';
import { type SmartAccountsEnvironment, deploySmartAccountsEnvironment } from './kit.js';

const require = createRequire(import.meta.url);

/**
 * The npm package (an alias of `@account-abstraction/contracts@0.7.0`) whose EntryPoint creation code lands at v0.7's
 * canonical address through the deterministic deployer, as on every public chain. MetaMask's DeleGators are built for
 * that EntryPoint (the Delegation Framework's deployments name it), so the peer is measured against it.
 */
export const entryPoint07Package = 'account-abstraction-contracts-v0.7';

/** The salt that puts EntryPoint v0.7's published creation code at 0x0000000071727De22E5E9d8BAf0edAc6f37da032. */
const entryPoint07Salt: Hex = '0x90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3';

function entryPoint07InitCode(): Hex {
  const artifact = JSON.parse(fs.readFileSync(require.resolve(`${entryPoint07Package}/artifacts/EntryPoint.json`), 'utf8')) as { bytecode: Hex };
  return artifact.bytecode;
}

/** The peer as deployed on the bench's chain: where everything is, and how it got there. */
export type MetaMaskDeployment = {
  environment: SmartAccountsEnvironment;
  /** Versions of the packages the bytecode and the toolkit come from. */
  packages: Record<string, string>;
  entryPoint: { address: Address; codeHash: Hex };
  delegationManager: { address: Address; codeHash: Hex };
  hybridDeleGator: { address: Address; codeHash: Hex };
  /** The EOA that deployed the framework (its nonce, hence the addresses, is the same on every run). */
  deployer: Address;
};

/**
 * Deploys EntryPoint v0.7 at its canonical address (deterministic deployer, canonical salt), then MetaMask's whole
 * Delegation Framework from `@metamask/delegation-abis`' bytecode with the kit's own `deploySmartAccountsEnvironment`
 * (plain CREATE from a fresh EOA; it links the P-256 library HybridDeleGator needs), pointed at that EntryPoint.
 */
export async function deployMetaMask(bench: BenchChain): Promise<MetaMaskDeployment> {
  const deployerKey = bench.freshKey();
  await bench.wait(await bench.faucet.sendTransaction({ to: deployerKey.address, value: parseEther('10') }));
  const deployer = bench.wallet(deployerKey);
  await deployDeterministic(deployer, { name: 'EntryPoint v0.7', initCode: entryPoint07InitCode(), address: entryPoint07Address }, entryPoint07Salt);
  const environment = await deploySmartAccountsEnvironment(deployer, bench.publicClient, bench.chain, { EntryPoint: entryPoint07Address });
  const codeOf = async (address: Address) => {
    const code = await bench.publicClient.getCode({ address });
    if (!code) throw new Error(`No code at ${address}`);
    return { address, codeHash: keccak256(code) };
  };
  return {
    environment,
    packages: Object.fromEntries(
      ['@metamask/smart-accounts-kit', '@metamask/delegation-abis', entryPoint07Package].map((name) => [name, installedVersion(name)]),
    ),
    entryPoint: await codeOf(environment.EntryPoint),
    delegationManager: await codeOf(environment.DelegationManager),
    hybridDeleGator: await codeOf(environment.implementations.HybridDeleGatorImpl!),
    deployer: deployerKey.address,
  };
}
