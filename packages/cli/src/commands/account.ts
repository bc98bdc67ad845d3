import type { Command } from 'commander';
import { type Address, createWalletClient, erc20Abi, formatEther, http, parseEther, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { entryPoint08Abi } from 'viem/account-abstraction';
import { devTokenAbi, devTokenParameters, leashAccountAbi, formatAmount } from '@leash/sdk';
import { CliError } from '../errors.js';
import { native } from '../format.js';
import { heading, paint, printJson, printRows, withProgress } from '../output.js';
import { ownerKeyPath } from '../state.js';
import {
  type ConnectionOptions,
  type Target,
  accountOption,
  connectionOptions,
  ownerClient,
  ownerOption,
  readClient,
  resolveAccount,
  resolveOwner,
  resolveTarget,
} from '../target.js';

type CreateOptions = ConnectionOptions & { ownerKey?: string; fund: boolean; json?: boolean };
type ShowOptions = ConnectionOptions & { ownerKey?: string; account?: string; json?: boolean };

/** What the local faucet gives a new account. */
const localFunding = { ether: parseEther('10'), devTokens: parseUnits('10000', devTokenParameters.decimals) };

/** `leash account create` and `leash account show`. */
export function registerAccount(program: Command): void {
  const account = program.command('account').description('create and inspect the smart account whose session keys you manage');

  const create = account
    .command('create')
    .description('deploy the owner\'s account with the session key module installed (on the local stack: generate and store a dev owner key, and fund the account)')
    .option('--no-fund', 'local stack: do not fund the account from the faucet');
  ownerOption(create);
  connectionOptions(create).action(async (options: CreateOptions) => {
    const target = await resolveTarget(options, { bundler: true });
    const { owner, source } = resolveOwner(target, options.ownerKey, { create: true });
    const client = await ownerClient(target, owner);
    const address = client.account.address;
    const alreadySetUp = await client.isSessionKeyModuleInstalled();
    let funded = false;
    let userOpHash: string | undefined;
    if (!alreadySetUp) {
      if (target.local && options.fund) {
        await withProgress('Funding the account from the local faucet', () => fundFromFaucet(target, address));
        funded = true;
      } else if (!(await hasFunds(target, address))) {
        throw new CliError(`The account ${address} has no ETH to pay for its deployment.`, {
          hint: 'Send ETH to it (or deposit for it in the EntryPoint) first; its address is already fixed.',
        });
      }
      const result = await withProgress('Deploying the account and installing the session key module', () => client.installSessionKeyModule());
      userOpHash = result.userOpHash;
    }
    const result = {
      account: address,
      owner: owner.address,
      ownerKey: source === 'flag' ? 'given' : ownerKeyPath(),
      ownerKeyGenerated: source === 'generated',
      chainId: target.chain.id,
      localStack: target.local !== undefined,
      created: !alreadySetUp,
      funded: funded ? { ether: localFunding.ether, devTokens: localFunding.devTokens } : null,
      userOpHash: userOpHash ?? null,
    };
    if (options.json) return printJson(result);
    heading(alreadySetUp ? 'The account is already set up' : 'Account created');
    const ownerNote =
      source === 'generated'
        ? `generated and stored in ${ownerKeyPath()} ${paint('yellow', '(local development only)')}`
        : source === 'stored'
          ? `stored in ${ownerKeyPath()} ${paint('dim', '(local development only)')}`
          : 'from --owner-key / LEASH_OWNER_KEY';
    printRows([
      ['Account', address],
      ['Owner', `${owner.address} ${paint('dim', `(key ${ownerNote})`)}`],
      ['Chain', `${target.chain.id}${target.local ? ' (local stack)' : ''}`],
      ...(funded ? ([['Funded', `${formatAmount(localFunding.ether, native)} and ${formatAmount(localFunding.devTokens, devTokenParameters)} from the local faucet`]] as [string, string][]) : []),
      ...(userOpHash ? ([['User op', userOpHash]] as [string, string][]) : []),
      ['Session key module', 'installed'],
    ]);
  });

  const show = account.command('show').description('show an account: owner, deployment, session key module, balances and keys');
  accountOption(ownerOption(show));
  connectionOptions(show).action(async (options: ShowOptions) => {
    const target = await resolveTarget(options, { bundler: false });
    const address = resolveAccount(target, options);
    const client = await readClient(target, address);
    const pc = target.publicClient;
    const deployed = Boolean(await pc.getCode({ address }));
    const [owner, installed, balance, deposit, keys, tokenBalance] = await Promise.all([
      deployed ? pc.readContract({ address, abi: leashAccountAbi, functionName: 'signer' }) : Promise.resolve(null),
      client.isSessionKeyModuleInstalled(),
      pc.getBalance({ address }),
      pc.readContract({ address: target.addresses.entryPoint, abi: entryPoint08Abi, functionName: 'balanceOf', args: [address] }),
      deployed ? client.getSessionKeys() : Promise.resolve([]),
      target.local
        ? pc.readContract({ address: target.local.contracts.devToken, abi: erc20Abi, functionName: 'balanceOf', args: [address] })
        : Promise.resolve(undefined),
    ]);
    const result = {
      account: address,
      chainId: target.chain.id,
      localStack: target.local !== undefined,
      deployed,
      owner,
      sessionKeyModuleInstalled: installed,
      balance,
      entryPointDeposit: deposit,
      ...(tokenBalance !== undefined ? { devTokenBalance: tokenBalance } : {}),
      sessionKeys: keys.map((k) => ({ key: k.address, tag: k.tagText ?? k.tag })),
    };
    if (options.json) return printJson(result);
    heading(`Account ${address}`);
    printRows([
      ['Chain', `${target.chain.id}${target.local ? ' (local stack)' : ''}`],
      ['Deployed', deployed ? 'yes' : 'no (counterfactual: `leash account create` deploys it)'],
      ...(owner ? ([['Owner', owner]] as [string, string][]) : []),
      ['Session key module', installed ? 'installed' : 'not installed'],
      ['Balance', `${formatEther(balance)} ETH`],
      ['EntryPoint deposit', `${formatEther(deposit)} ETH`],
      ...(tokenBalance !== undefined ? ([['Dev token', formatAmount(tokenBalance, devTokenParameters)]] as [string, string][]) : []),
      ['Session keys', keys.length === 0 ? 'none' : `${keys.length} (\`leash key list\` shows their budgets)`],
    ]);
    for (const k of keys) console.log(`    ${k.address}${k.tagText ? `  ${k.tagText}` : ''}`);
  });
}

async function fundFromFaucet(target: Target, address: Address): Promise<void> {
  // Loaded only here: @leash/sdk/local takes about a second to import.
  const { devAccounts } = await import('@leash/sdk/local');
  const faucet = createWalletClient({ account: privateKeyToAccount(devAccounts.faucet), chain: target.chain, transport: http(target.rpcUrl) });
  const hashes = [
    await faucet.sendTransaction({ to: address, value: localFunding.ether }),
    await faucet.writeContract({ address: target.local!.contracts.devToken, abi: devTokenAbi, functionName: 'mint', args: [address, localFunding.devTokens] }),
  ];
  for (const hash of hashes) {
    const receipt = await target.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new CliError(`Funding ${address} from the faucet failed (transaction ${hash}).`);
  }
}

async function hasFunds(target: Target, address: Address): Promise<boolean> {
  const [balance, deposit] = await Promise.all([
    target.publicClient.getBalance({ address }),
    target.publicClient.readContract({ address: target.addresses.entryPoint, abi: entryPoint08Abi, functionName: 'balanceOf', args: [address] }),
  ]);
  return balance + deposit > 0n;
}
