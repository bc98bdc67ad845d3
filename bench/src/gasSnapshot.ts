// Regenerates contracts/gas-snapshot.md and contracts/gas-snapshot.json: `npm run gas-snapshot`.
// Each scenario sends one op per handleOps transaction straight to EntryPoint v0.8 on a fresh anvil (hardfork pinned),
// under DESIGN.md's conditions, and records the receipt's gasUsed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateTargets, gasFiguresOf, overheadId } from './comparison.js';
import { runGasScenarios } from './scenarios.js';

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../contracts');
const results = await runGasScenarios({ onResult: (r) => console.log(`${r.id.padEnd(26)} ${r.gasUsed}`) });
const gas = gasFiguresOf(results);

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
  `| Session overhead over the owner-signed transfer (S1) | +${fmt(gas[overheadId]!)} | |`,
  '',
  '## Targets',
  '',
  '| target | Leash | target | floor | met |',
  '|---|---:|---:|---:|:---:|',
  ...evaluateTargets(gas).map(
    (t) =>
      `| ${t.title} | ${fmt(t.ours)} | ≤ ${fmt(t.target)} | ${t.floor ? `≈ ${fmt(t.floor)}` : '–'} | ${t.met ? 'yes' : `no (+${fmt(t.overTarget)})`} |`,
  ),
  '',
];
fs.writeFileSync(path.join(contractsDir, 'gas-snapshot.md'), lines.join('\n'));
fs.writeFileSync(path.join(contractsDir, 'gas-snapshot.json'), `${JSON.stringify(gas, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), path.join(contractsDir, 'gas-snapshot.md'))}`);
