import { floorGasPerToken, tokensPerNonzeroByte } from './calldata.js';
import { fixedGas } from './handleOps.js';
import { peerOpGas } from './peers/metamask/accounts.js';
import { caveatSets } from './peers/metamask/caveats.js';
import type { MetaMaskDeployment } from './peers/metamask/deploy.js';
import type { SideMeasurement, SidePathId, SideScenarioId, SideVariantId } from './sideBySide.js';

const formatGas = (gas: number) => gas.toLocaleString('en-US');

/** How the L1 data gas column is computed (calldata.ts). */
export const l1DataGasDefinition =
  `L1 data gas = ${floorGasPerToken} × (zero bytes + ${tokensPerNonzeroByte} × nonzero bytes) of the transaction's calldata: EIP-7623's floor price ` +
  `(${floorGasPerToken} gas per token; a zero byte is one token, a nonzero byte ${tokensPerNonzeroByte}), i.e. ${floorGasPerToken} gas per zero byte and ` +
  `${floorGasPerToken * tokensPerNonzeroByte} per nonzero byte, uncompressed, without the 21,000 base or the transaction envelope. The calldata is the whole ` +
  'handleOps call carrying one op (ERC-4337 paths) or the redeemDelegations call (EOA path).';

/** What was deployed for the peer, and how, in sentences. */
export function deploymentNotes(d: MetaMaskDeployment): string[] {
  const short = (hash: string) => `${hash.slice(0, 10)}…`;
  return [
    `EntryPoint v0.7 at its canonical address ${d.entryPoint.address} (code hash \`${short(d.entryPoint.codeHash)}\`), deployed the way the bench deploys v0.8: ` +
      `its published creation code (@account-abstraction/contracts ${d.packages['account-abstraction-contracts-v0.7']}, installed under the alias ` +
      '`account-abstraction-contracts-v0.7`) sent with its canonical salt through the deterministic deployer. @metamask/delegation-abis also ships an ' +
      'EntryPoint, built with other settings (its creation code does not land at the canonical address); MetaMask\'s deployments use the canonical one, so the bench does too.',
    `The Delegation Framework from @metamask/delegation-abis ${d.packages['@metamask/delegation-abis']}'s bytecode, deployed by @metamask/smart-accounts-kit ` +
      `${d.packages['@metamask/smart-accounts-kit']}'s \`deploySmartAccountsEnvironment\` (plain CREATE from a fresh EOA, ${d.deployer}, so the addresses repeat ` +
      'from run to run; it links the P-256 library HybridDeleGator needs) with the EntryPoint above. ' +
      `DelegationManager at ${d.delegationManager.address} (code hash \`${short(d.delegationManager.codeHash)}\`), HybridDeleGator implementation at ` +
      `${d.hybridDeleGator.address} (code hash \`${short(d.hybridDeleGator.codeHash)}\`).`,
    'Accounts: the delegator (the user\'s account) and the ERC-4337 delegate (the session) are MetaMask smart accounts as the kit builds them ' +
      '(`toMetaMaskSmartAccount`, Hybrid implementation: an ERC-1967 proxy from the SimpleFactory to HybridDeleGator, ECDSA owner). The delegator signs ' +
      "each delegation (the kit's `signDelegation`, EIP-712); the delegate's owner, the session key, signs each op (the kit's `signUserOperation`).",
    `Caveat sets, from the same numbers as Leash's permissions (one token, \`transfer\` only, 1,000 tokens a week; 1 ether a day; the same time window): ` +
      (Object.keys(caveatSets) as (keyof typeof caveatSets)[])
        .map((id) => `${id} = ${caveatSets[id].enforcers.join(' + ')}`)
        .join('; ') +
      '.',
  ];
}

type Find = (scenario: SideScenarioId, variant: SideVariantId, path: SidePathId) => SideMeasurement | undefined;

/** Every choice that could favour one side, with the measured size of it where this run measured it. */
export function fairnessNotes(measurements: readonly SideMeasurement[]): { favoursPeer: string[]; favoursLeash: string[]; neutral: string[] } {
  const find: Find = (scenario, variant, path) => measurements.find((m) => m.scenario === scenario && m.variant === variant && m.path === path);
  const delta = (scenario: SideScenarioId, a: SidePathId, b: SidePathId) => {
    const [x, y] = [find(scenario, 'erc20-full', a), find(scenario, 'erc20-full', b)];
    return x && y ? `${x.gasUsed - y.gasUsed >= 0 ? '+' : '−'}${formatGas(Math.abs(x.gasUsed - y.gasUsed))}` : 'not measured';
  };
  const baseline = (system: SideMeasurement['system']) => {
    const m = measurements.find((x) => x.scenario === 'owner-erc20-s1' && x.system === system);
    return m ? formatGas(m.gasUsed) : 'not measured';
  };
  return {
    favoursPeer: [
      "The peer's caveat sets are the smallest that enforce the same rules. The kit's `createDelegation` insists on a scope, and every ERC-20 scope adds " +
        'ValueLteEnforcer(0) (the native scope adds ExactCalldataEnforcer): each enforcer costs four hook calls and its bytes in every op. The bench builds the ' +
        "framework's Delegation struct directly (as `createDelegation` fills it) without them.",
      "The delegate's op calls its own `redeemDelegations` (DeleGatorCore, callable by the EntryPoint), the cheaper of the framework's two ways. The kit's own " +
        `encoding for delegated calls (\`execute\` → DelegationManager) is measured beside it: ${delta('session-erc20-s1', 'erc4337-kit-execute', 'erc4337')} gas at S1, ` +
        `${delta('session-batch-2', 'erc4337-kit-execute', 'erc4337')} for the batch (two redeemDelegations calls in batch mode instead of one call with two entries).`,
      'The ratios divide Leash with its gas limit (a budget check and a counter write in every op, no peer equivalent) by the peer; the same ratios without ' +
        'the gas limit are shown beside them.',
      "Permissions granted through MetaMask's ERC-7715 flow carry the caveats the wallet chooses; the bench measures the contracts with the sets above, not " +
        'that flow.',
    ],
    favoursLeash: [
      'The delegator is a HybridDeleGator behind an ERC-1967 proxy (the kit\'s default smart account): each redemption checks the delegation through the ' +
        "proxy's ERC-1271 `isValidSignature` (a cold account, a delegatecall, the owner's slot). A delegator upgraded in place by EIP-7702 " +
        "(EIP7702StatelessDeleGator, the kit's Stateless7702 implementation) checks it with less; it is not measured here.",
      "S0 applies DESIGN.md's definition to both sides: the peer's delegate also sends its first redemption on a nonce key it never used. A delegate that " +
        'reuses a used key saves the zero-to-nonzero nonce write (≈ 17,000 gas), as would a Leash key on a lane another key used before.',
      "Each side's bytecode is what its project ships: Leash compiled here (settings under Conditions and versions), the framework's as published in " +
        "@metamask/delegation-abis (its repository builds with solc 0.8.23, the optimizer's default 200 runs, EVM london).",
    ],
    neutral: [
      `Each side runs on the EntryPoint it is built for: Leash on v0.8, the DeleGator on v0.7. The owner-signed baseline (the last table above) shows what ` +
        `account and EntryPoint cost with no session logic: ${baseline('Leash')} for Leash's account, ${baseline('MetaMask Delegation Framework')} for the MetaMask smart account.`,
      'One anvil, one run: both systems deployed side by side, the same dev token (OpenZeppelin ERC-20), the same amounts, the same recipient states, one op ' +
        'per handleOps sent by the same bundler EOA with the same separate beneficiary, op senders with a funded EntryPoint deposit.',
      `The same gas fields on both sides' ops, except the peer's callGasLimit (${formatGas(Number(peerOpGas.callGasLimit))} instead of ` +
        `${formatGas(Number(fixedGas.callGasLimit))}: a first redemption needs more). Limits do not change receipt gasUsed; both values have three nonzero bytes, so calldata is comparable.`,
      "Granting: a delegation is signed off-chain (0 gas) and travels in every op's calldata; a Leash key is stored on-chain once by an owner op and each op carries only a signature.",
      "Where rules are checked: the peer's enforcers run in the op's execution, so a refused redemption is still included and paid for; Leash refuses in validation, " +
        'so a bundler drops the op and nobody pays. Not a difference these figures show.',
    ],
  };
}

/** What was looked for to add Smart Sessions (Rhinestone / Biconomy) fairly, and why it is not in the tables. */
export const smartSessionsNote = {
  added: false,
  searched: [
    '@rhinestone/modulekit 0.5.9 (`npm pack`): Smart Sessions\' runtime bytecode only (src/deployment/precompiles/SmartSessionsPrecompiles.sol, for etching in ' +
      'forge tests); no policy bytecode (the only policy is a MockPolicy in Solidity source)',
    '@rhinestone/module-sdk 0.4.0: the policies\' addresses and encoders (time frame, spending limits, universal action, sudo, usage limit, value limit), no bytecode',
    '@rhinestone/sdk 1.15.0: account bytecode (Nexus, Safe, Startale), no policies',
    '@biconomy/abstractjs 1.2.3: the policies\' ABIs and addresses, no bytecode',
    "the registry's package names for other Smart Sessions or policy packages (rhinestone, smart-session(s), policy names): none with bytecode; npm's search " +
      'API is not reachable from here',
  ],
  conclusion:
    'Not added: without its policy contracts, Smart Sessions could only be measured with policies written for this bench, which would measure our code, ' +
    'not theirs. Adding it needs a registry package that ships the policies\' bytecode (or the sources of a pinned release with their build settings).',
} as const;
