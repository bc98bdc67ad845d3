import { describeCall, formatAmount } from '@leash/sdk';
import fs from 'node:fs';
import type { Command } from 'commander';
import { type Hex, formatEther, isHex, toFunctionSelector } from 'viem';
import { CliError, exitCodes } from '../errors.js';
import { type TokenInfo, formatTime, native, tokenInfo } from '../format.js';
import { heading, paint, printJson, printRows, withProgress } from '../output.js';
import { type CallSpec, encodeCallData, parseCallsFile, parseValue } from '../parse/calls.js';
import { InvalidFlagError } from '../parse/errors.js';
import { parseAddress } from '../parse/limits.js';
import { parseTokenAmount, tokenAmountArgument } from '../parse/tokenAmounts.js';
import { explainRefusal } from '../refusal.js';
import { readGrantFile } from './grant/file.js';
import {
  type ConnectionOptions,
  accountOption,
  connectionOptions,
  loadSessionKey,
  ownerOption,
  passwordOption,
  resolveAccount,
  resolveTarget,
  sessionClient,
  type Target,
} from '../target.js';

type ExecOptions = ConnectionOptions & {
  key?: string;
  keystore?: string;
  account?: string;
  ownerKey?: string;
  password?: string;
  to?: string;
  decimals?: string;
  value?: string;
  data?: string;
  calls?: string;
  paymaster?: string;
  paymasterData?: string;
  check?: boolean;
  maxWait: string;
  grant?: string;
  json?: boolean;
};

/** `leash exec`: act as a session key. */
export function registerExec(program: Command): void {
  const exec = program
    .command('exec')
    .description('act as a session key: send calls from the account in a user op signed by the key')
    .argument('[function]', 'a function signature to call on --to, e.g. "transfer(address,uint256)"')
    .argument('[args...]', 'its arguments (integers: 25000000, 25e6 or 0.5eth; token amounts: 25dusd or 25e6; arrays as JSON)')
    .option('--key <address|tag>', 'the session key, by address or tag (its keystore, stored by `leash key add`, is loaded)')
    .option('--keystore <file>', 'a keystore file of the session key (e.g. an agent\'s)')
    .option('--to <address>', 'the call\'s target')
    .option('--value <amount>', 'native value to send: 0.01eth, 20gwei or wei')
    .option('--data <hex>', 'the call\'s calldata (instead of a function and arguments)')
    .option('--calls <file>', 'a batch: a JSON file (or - for stdin) with [{ "to", "value"?, "data"? | "function", "args" }]')
    .option('--paymaster <address>', 'a paymaster that pays for the op')
    .option('--paymaster-data <hex>', 'data for the paymaster', '0x')
    .option('--decimals <n>', 'read a plain token amount of transfer/approve/transferFrom in token units with these decimals')
    .option('--grant <file>', 'a grant of the key (`leash key grant`): its first op on this chain carries it and enables the key')
    .option('--check', 'dry run: say whether the op would pass, and if not which rule refuses it, without sending it')
    .option('--max-wait <seconds>', 'longest wait for the next period of a refreshing limit', '120');
  connectionOptions(passwordOption(ownerOption(accountOption(exec)))).action(async (fn: string | undefined, args: string[], options: ExecOptions) => {
    // A token call's amount is read once the token's symbol and decimals are known; everything else is checked first.
    const amountIndex = options.calls === undefined && fn !== undefined ? tokenAmountArgument(fn) : undefined;
    const decimals = options.decimals === undefined ? undefined : parseDecimals(options.decimals);
    let calls = readCalls(fn, amountIndex === undefined ? args : args.map((arg, i) => (i === amountIndex ? '0' : arg)), options);
    const paymaster = options.paymaster
      ? { address: parseAddress(options.paymaster, '--paymaster'), data: hexFlag(options.paymasterData ?? '0x', '--paymaster-data') }
      : undefined;
    const maxWaitSeconds = Number(options.maxWait);
    if (!Number.isInteger(maxWaitSeconds) || maxWaitSeconds < 0)
      throw new InvalidFlagError({ flag: '--max-wait', value: options.maxWait, expected: 'expected a whole number of seconds' });

    const grant = options.grant === undefined ? undefined : readGrantFile(options.grant);
    if (grant && options.check) throw new CliError('--check reads the key\'s state: it cannot run before a grant enabled the key.', { exitCode: exitCodes.usage });
    const target = await resolveTarget(options, { bundler: true });
    // With a grant, the account is the grant's (unless given), and so is the key.
    const account = grant && options.account === undefined ? grant.account : resolveAccount(target, options);
    if (grant && options.key === undefined && options.keystore === undefined) options.key = grant.sessionKey;
    if (amountIndex !== undefined) {
      const token = await tokenInfo(target.publicClient, calls[0]!.to).catch(() => undefined);
      const amount = parseTokenAmount(args[amountIndex]!, token, decimals, `exec argument ${amountIndex + 1} (amount)`);
      calls = readCalls(fn, args.map((arg, i) => (i === amountIndex ? String(amount) : arg)), options);
    }
    const described = await describeCalls(target, calls);
    const signer = await loadSessionKey(target, options, account);
    const client = await sessionClient(target, signer, account);
    const context = { target, account, key: signer.address };

    if (options.check) {
      const check = await withProgress('Simulating the user operation', () => client.checkSessionKeyCalls({ calls, paymaster, maxWaitSeconds }));
      if (!check.ok) throw await explainRefusal(check.error, context);
      const result = { account, key: signer.address, wouldPass: true, waitSeconds: check.waitSeconds, validFrom: check.validFrom ?? null, validUntil: check.validUntil ?? null, gas: check.gas, calls, description: described };
      if (options.json) return printJson(result);
      heading('The op would pass');
      printRows([
        ['Account', account],
        ['Session key', signer.address],
        ...described.map((line, i): [string, string] => [described.length > 1 ? `Call ${i + 1}` : 'Call', line]),
        ['Can be sent', check.waitSeconds === 0 ? 'now' : `in ${check.waitSeconds} s (next period of a refreshing limit)`],
        ['Valid', `${check.validFrom ? `from ${formatTime(check.validFrom)} ` : ''}${check.validUntil ? `until ${formatTime(check.validUntil)}` : 'with no end'}`],
        ['Most it can cost', paymaster ? 'nothing: the paymaster pays' : formatAmount(check.gas.maxCost, native)],
      ]);
      return;
    }

    let result;
    try {
      result = await withProgress(`Sending ${described.join('; ')} as ${signer.address}`, (progress) =>
        client.executeWithSessionKey({
          calls,
          grant,
          paymaster,
          maxWaitSeconds,
          onWait: (seconds) => progress.update(`Waiting ${seconds} s for the op's validity window (it opened too recently for the bundler, or the period ends too soon)`),
        }),
      );
    } catch (error) {
      throw await explainRefusal(error, context);
    }
    const { receipt } = result;
    if (options.json)
      return printJson({
        account,
        key: signer.address,
        userOpHash: result.userOpHash,
        transactionHash: receipt.receipt.transactionHash,
        lane: result.lane,
        enabledByGrant: result.enabledByGrant,
        gasUsed: receipt.actualGasUsed,
        gasCost: receipt.actualGasCost,
        calls,
        description: described,
      });
    heading('Executed with the session key');
    printRows([
      ['Account', account],
      ['Session key', signer.address],
      ...described.map((line, i): [string, string] => [described.length > 1 ? `Call ${i + 1}` : 'Call', line]),
      ...(grant ? ([['Grant', result.enabledByGrant ? 'carried: this op enabled the key' : 'not needed: the key was enabled before']] as [string, string][]) : []),
      ['User op', result.userOpHash],
      ['Transaction', receipt.receipt.transactionHash],
      ['Gas', `${receipt.actualGasUsed.toLocaleString('en-US')} ${paint('dim', `(${formatEther(receipt.actualGasCost)} ETH${paymaster ? ', paid by the paymaster' : ''})`)}`],
    ]);
  });
}

function readCalls(fn: string | undefined, args: string[], options: ExecOptions): CallSpec[] {
  if (options.calls !== undefined) {
    if (options.to || options.value || options.data || fn)
      throw new CliError('--calls cannot be combined with --to, --value, --data or a function: put every call in the file.', { exitCode: exitCodes.usage });
    const text = options.calls === '-' ? fs.readFileSync(0, 'utf8') : readFile(options.calls);
    return parseCallsFile(text, options.calls);
  }
  if (!options.to) throw new CliError('Give --to <address> (with --value, --data or a function and its arguments), or --calls <file>.', { exitCode: exitCodes.usage });
  const to = parseAddress(options.to, '--to');
  const value = options.value === undefined ? 0n : parseValue(options.value, '--value');
  if (options.data !== undefined && fn !== undefined)
    throw new CliError('Give --data or a function with its arguments, not both.', { exitCode: exitCodes.usage });
  const data = fn !== undefined ? encodeCallData(fn, args, 'exec') : options.data !== undefined ? hexFlag(options.data, '--data') : '0x';
  return [{ to, value, data }];
}

function readFile(path: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(`Cannot read --calls file ${path}: ${(cause as Error).message}`, { exitCode: exitCodes.usage });
  }
}

function hexFlag(value: string, flag: string): Hex {
  if (!isHex(value) || value.length % 2 !== 0) throw new InvalidFlagError({ flag, value, expected: 'expected hex bytes such as 0xa9059cbb…' });
  return value;
}

/** Each call in words (the SDK's `describeCall`): function, recipient and amount, in token units for ERC-20 calls. */
async function describeCalls(target: Target, calls: readonly CallSpec[]): Promise<string[]> {
  const tokens = new Map<string, TokenInfo>();
  for (const call of calls)
    if (call.data.length >= 10 && erc20Selectors.has(call.data.slice(0, 10) as string)) {
      const info = await tokenInfo(target.publicClient, call.to).catch(() => undefined);
      if (info) tokens.set(call.to.toLowerCase(), info);
    }
  return calls.map((call) => describeCall(call, { nativeCurrency: native, tokens: (address) => tokens.get(address.toLowerCase()) }));
}

const erc20Selectors = new Set<string>(['transfer(address,uint256)', 'approve(address,uint256)', 'transferFrom(address,address,uint256)'].map((f) => toFunctionSelector(f)));

function parseDecimals(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 36) throw new InvalidFlagError({ flag: '--decimals', value, expected: 'expected a whole number of decimals, 0 to 36' });
  return Number(value);
}
