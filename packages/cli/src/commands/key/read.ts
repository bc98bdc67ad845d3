import type { Command } from 'commander';
import type { Address } from 'viem';
import { nowInSeconds } from '@leash/sdk';
import { formatAmountShort, formatLimit, formatTimeFromNow, formatValidity } from '../../format.js';
import { heading, paint, printJson, printRows, printTable } from '../../output.js';
import { parseAddress } from '../../parse/limits.js';
import { type ConnectionOptions, accountOption, connectionOptions, ownerOption, readClient, resolveAccount, resolveTarget } from '../../target.js';
import { describeKey, keyJson, keyTableHeader, keyTableRows, loadKeyView, printPermissions, requireSessionKey } from './describe.js';

type ReadOptions = ConnectionOptions & { account?: string; ownerKey?: string; json?: boolean };

function readOptions(command: Command): Command {
  return connectionOptions(accountOption(ownerOption(command)));
}

/** `leash key list` and `leash key show`. */
export function registerRead(key: Command): void {
  const list = key.command('list').description('list the session keys: validity, and each limit\'s used and remaining budget and next refresh');
  readOptions(list).action(async (options: ReadOptions) => {
    const target = await resolveTarget(options, { bundler: false });
    const account = resolveAccount(target, options);
    const client = await readClient(target, account);
    const installed = await client.isSessionKeyModuleInstalled();
    const keys = installed ? await client.getSessionKeys() : [];
    const views = await Promise.all(keys.map((k) => loadKeyView(target, client, account, k.address)));
    if (options.json) return printJson({ account, sessionKeyModuleInstalled: installed, keys: views.map(keyJson) });
    if (!installed) return console.log(`The session key module is not installed on ${account}: it has no session keys.`);
    if (views.length === 0) return console.log(`${account} has no session keys.`);
    const now = nowInSeconds();
    printTable(keyTableHeader, views.flatMap((view) => keyTableRows(view, now)));
  });

  const show = key.command('show').description('show one session key: what it may do and what it has left').argument('<key>', 'the session key\'s address');
  readOptions(show).action(async (keyArgument: string, options: ReadOptions) => {
    const sessionKey: Address = parseAddress(keyArgument, 'key');
    const target = await resolveTarget(options, { bundler: false });
    const account = resolveAccount(target, options);
    const client = await readClient(target, account);
    await requireSessionKey(target, account, sessionKey);
    const view = await loadKeyView(target, client, account, sessionKey);
    if (options.json) return printJson({ account, ...keyJson(view) });
    const now = nowInSeconds();
    const { state } = view;
    heading(`Session key ${state.sessionKey}`);
    printRows([
      ['Account', account],
      ['Tag', state.tagText ?? state.tag],
      ['Valid', formatValidity(state.timeRange, now)],
      ['Keystore', view.keystore ?? paint('dim', 'not stored here')],
    ]);
    printPermissions(describeKey(view));
    heading('Budgets');
    printRows(
      view.limits.map((limit): [string, string] => {
        const status = limit.status;
        if (status === 'unlimited') return [limit.label, 'no limit'];
        const refresh = status.nextRefresh === undefined ? '' : `, refreshes ${formatTimeFromNow(status.nextRefresh, now)}`;
        return [limit.label, `${formatAmountShort(status.used, limit.unit)} used of ${formatLimit(status, limit.unit)}, ${formatAmountShort(status.remaining, limit.unit)} left${refresh}`];
      }),
    );
  });
}
