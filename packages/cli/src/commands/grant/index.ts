import type { Command } from 'commander';
import { type SessionKeyGrant, nowInSeconds } from '@leash/sdk';
import { CliError, exitCodes } from '../../errors.js';
import { formatTime } from '../../format.js';
import { heading, paint, printJson, printRows, withProgress } from '../../output.js';
import { InvalidFlagError } from '../../parse/errors.js';
import { type ConnectionOptions, connectionOptions, ownerContext, ownerOption, readClient, resolveTarget } from '../../target.js';
import { readGrantFile } from './file.js';

type StatusOptions = ConnectionOptions & { json?: boolean };
type CancelOptions = ConnectionOptions & { nonce?: string; ownerKey?: string; json?: boolean };

const statusText: Record<string, string> = {
  usable: 'usable: the key\'s next op enables it',
  used: 'used: it enabled its key (or another grant with its nonce did)',
  cancelled: 'cancelled by the owner',
  revoked: 'revoked: revoke-all or uninstall ran since the owner signed',
  expired: 'expired: its deadline has passed',
};

/** `leash grant status` and `leash grant cancel`: a signed grant's state on this chain, and cancelling it. */
export function registerGrantCommands(program: Command): void {
  const grant = program.command('grant').description('session key grants (signed with `leash key grant`): their status, and cancelling them');

  const status = grant.command('status').description("a grant's status on this chain: usable, used, cancelled, revoked or expired").argument('<file>', 'the grant file');
  connectionOptions(status).action(async (file: string, options: StatusOptions) => {
    const signed = readGrantFile(file);
    const target = await resolveTarget(options, { bundler: false });
    const client = await readClient(target, signed.account);
    const result = await client.getSessionKeyGrantStatus({ grant: signed });
    if (options.json) return printJson({ file, account: signed.account, key: signed.sessionKey, nonce: signed.nonce, ...result });
    heading(`Grant of ${signed.sessionKey}: ${result.status}`);
    printRows(grantRows(signed, target.chain.id, [['Status', paint(result.status === 'usable' ? 'green' : 'yellow', statusText[result.status]!)]]));
  });

  const cancel = grant
    .command('cancel')
    .description('cancel a grant never used on this chain (an owner op); revoke-all cancels every unused grant')
    .argument('[file]', 'the grant file')
    .option('--nonce <n>', 'the grant nonce to cancel (instead of a file)');
  connectionOptions(ownerOption(cancel)).action(async (file: string | undefined, options: CancelOptions) => {
    if ((file === undefined) === (options.nonce === undefined))
      throw new CliError('Give a grant file or --nonce <n>, one of them.', { exitCode: exitCodes.usage });
    const signed = file === undefined ? undefined : readGrantFile(file);
    const nonce = signed ? signed.nonce : parseNonce(options.nonce!);
    const { client, account } = await ownerContext(options);
    const { userOpHash } = await withProgress(`Cancelling grant nonce ${nonce} of ${account}`, () =>
      signed ? client.cancelSessionKeyGrant({ grant: signed }) : client.cancelSessionKeyGrant({ nonce }),
    );
    if (options.json) return printJson({ account, nonce, userOpHash, ...(signed ? { key: signed.sessionKey } : {}) });
    heading(`Grant nonce ${nonce} cancelled on chain ${client.chain.id}`);
    printRows([
      ['Account', account],
      ...(signed ? ([['Session key', signed.sessionKey]] as [string, string][]) : []),
      ['User op', userOpHash],
    ]);
    if (signed && signed.chains.length > 1)
      printRows([['Note', paint('dim', `the grant also holds on chains ${signed.chains.filter((c) => c.chainId !== client.chain.id).map((c) => c.chainId).join(', ')}: cancel it there too`)]]);
  });
}

function grantRows(signed: SessionKeyGrant, chainId: number, extra: [string, string][]): [string, string][] {
  return [
    ['Account', signed.account],
    ['Session key', signed.sessionKey],
    ['Chain', String(chainId)],
    ...extra,
    ['Grant nonce', signed.nonce.toString()],
    ['Use by', signed.validUntil ? `${formatTime(signed.validUntil)}${signed.validUntil < nowInSeconds() ? ' (past)' : ''}` : 'no deadline'],
    ['Holds on', signed.chains.map((c) => c.chainId).join(', ')],
  ];
}

function parseNonce(value: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || BigInt(value) >= 2n ** 64n) throw new InvalidFlagError({ flag: '--nonce', value, expected: 'expected a 64-bit number' });
  return BigInt(value);
}
