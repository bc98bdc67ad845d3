// Regenerates contracts/gas-snapshot.md and contracts/gas-snapshot.json: `npm run gas-snapshot`.
// Each scenario sends one op per handleOps transaction straight to EntryPoint v0.8 on a fresh anvil (hardfork pinned),
// under DESIGN.md's conditions, and records the receipt's gasUsed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gasTargets } from './gasTargets.js';
import { runGasScenarios } from './scenarios.js';

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../contracts');
const results = await runGasScenarios({ onResult: (r) => console.log(`${r.id.padEnd(26)} ${r.gasUsed}`) });
const gas = Object.fromEntries(results.map((r) => [r.id, Number(r.gasUsed)]));
gas['session-overhead-s1'] = gas['session-erc20-s1']! - gas['owner-erc20-s1']!;

const fmt = (n: number) => n.toLocaleString('en-US');
const lines = [
  '# Gas snapshot',
  '',
  'Receipt `gasUsed` of `handleOps` with one op, EntryPoint v0.8, anvil (hardfork prague), an OpenZeppelin ERC-20,',
  'beneficiary a separate funded EOA. S0/S1 and the full permission set as defined in ../shared/DESIGN.md.',
  'Regenerate with `npm run gas-snapshot` (compiles the contracts first).',
  '',
  '| scenario | gas used | calldata bytes (zero / nonzero) |',
  '|---|---:|---:|',
  ...results.map((r) => `| ${r.title} | ${fmt(Number(r.gasUsed))} | ${r.calldataBytes.zero} / ${r.calldataBytes.nonzero} |`),
  `| Session overhead over the owner-signed transfer (S1) | +${fmt(gas['session-overhead-s1']!)} | |`,
  '',
  '## Targets',
  '',
  '| target | Leash | target | floor | met |',
  '|---|---:|---:|---:|:---:|',
  ...gasTargets.map((t) => {
    const ours = gas[t.id]!;
    return `| ${t.title} | ${fmt(ours)} | ≤ ${fmt(t.target)} | ${t.floor ? `≈ ${fmt(t.floor)}` : '–'} | ${ours <= t.target ? 'yes' : `no (+${fmt(ours - t.target)})`} |`;
  }),
  '',
];
fs.writeFileSync(path.join(contractsDir, 'gas-snapshot.md'), lines.join('\n'));
fs.writeFileSync(path.join(contractsDir, 'gas-snapshot.json'), `${JSON.stringify(gas, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), path.join(contractsDir, 'gas-snapshot.md'))}`);
