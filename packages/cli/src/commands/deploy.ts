import type { Command } from 'commander';
import {
  type Address,
  type Hex,
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  http,
  isAddress,
  isHex,
  parseEther,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { deployLeash } from '@leash/sdk';
import { heading, paint, printRows, withProgress } from '../output.js';

type DeployOptions = {
  rpcUrl?: string;
  privateKey?: string;
  stakeOwner?: string;
  /** Ether amount, or false with --no-stake. */
  stake: string | false;
  unstakeDelay: string;
  json?: boolean;
};

/** `leash deploy`: put EntryPoint v0.8 (if missing) and the Leash contracts on any chain, and stake the factory. */
export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('deploy EntryPoint v0.8 (where missing) and the Leash contracts at their CREATE2 addresses on any chain')
    .option('--rpc-url <url>', 'RPC URL of the chain (env LEASH_RPC_URL)', process.env.LEASH_RPC_URL)
    .option('--private-key <key>', 'funded key that pays for the deployment (env LEASH_PRIVATE_KEY)', process.env.LEASH_PRIVATE_KEY)
    .option('--stake-owner <address>', 'owner of the factory stake (changes the factory address; default: canonical)')
    .option('--stake <ether>', 'factory stake in the EntryPoint, in ether', '1')
    .option('--unstake-delay <seconds>', 'unstake delay of the factory stake', '86400')
    .option('--no-stake', 'leave the factory stake as it is')
    .option('--json', 'print the result as JSON')
    .action(async (options: DeployOptions) => {
      if (!options.rpcUrl) throw new Error('--rpc-url (or LEASH_RPC_URL) is required.');
      if (!options.privateKey || !isHex(options.privateKey) || options.privateKey.length !== 66)
        throw new Error('--private-key (or LEASH_PRIVATE_KEY) must be a 32-byte hex private key.');
      if (options.stakeOwner !== undefined && !isAddress(options.stakeOwner))
        throw new Error(`--stake-owner must be an address, got "${options.stakeOwner}".`);
      const unstakeDelaySec = Number(options.unstakeDelay);
      if (!Number.isInteger(unstakeDelaySec) || unstakeDelaySec < 1 || unstakeDelaySec > 2 ** 32 - 1)
        throw new Error(`--unstake-delay must be a whole number of seconds, got "${options.unstakeDelay}".`);
      const stake = options.stake === false ? false : { amount: parseStake(options.stake), unstakeDelaySec };

      const chainId = await createPublicClient({ transport: http(options.rpcUrl) }).getChainId();
      const chain = defineChain({
        id: chainId,
        name: `chain ${chainId}`,
        nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
        rpcUrls: { default: { http: [options.rpcUrl] } },
      });
      const client = createWalletClient({ account: privateKeyToAccount(options.privateKey as Hex), chain, transport: http(options.rpcUrl) });
      const lines: string[] = [];
      const result = await withProgress(`Deploying Leash on chain ${chainId}`, () =>
        deployLeash(client, { stakeOwner: options.stakeOwner as Address | undefined, stake, onProgress: (l) => lines.push(l) }),
      );
      if (options.json) {
        console.log(JSON.stringify({ chainId, ...result }, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
        return;
      }
      for (const line of lines) console.log(`  ${paint('dim', '•')} ${line}`);
      heading(`Leash on chain ${chainId}`);
      printRows([
        ['EntryPoint v0.8', result.addresses.entryPoint],
        ['Account factory', result.addresses.accountFactory],
        ['Account implementation', result.addresses.accountImplementation],
        ['Session key module', result.addresses.sessionKeyModule],
        ['Factory stake', `${formatEther(result.factoryStake.amount)} ETH, ${result.factoryStake.unstakeDelaySec} s unstake delay`],
      ]);
    });
}

function parseStake(value: string): bigint {
  try {
    const amount = parseEther(value);
    if (amount <= 0n) throw new Error();
    return amount;
  } catch {
    throw new Error(`--stake must be a positive amount of ether, got "${value}".`);
  }
}
