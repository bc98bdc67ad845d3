import type { Command } from 'commander';
import type { Address } from 'viem';
import { nowInSeconds, formatAmount } from '@leash/sdk';
import { formatLimit, short, formatTimeFromNow, formatValidity } from '../../format.js';
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
    // Every key with its permissions and budgets: one read through the session key lens.
    const states = installed ? await client.getSessionKeyStates({ account }) : [];
    const views = await Promise.all(states.map((state) => loadKeyView(target, state)));
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
    const view = await loadKeyView(target, await requireSessionKey(target, account, sessionKey));
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
        return [limit.label, `${formatAmount(status.used, limit.unit, short)} used of ${formatLimit(status, limit.unit)}, ${formatAmount(status.remaining, limit.unit, short)} left${refresh}`];
      }),
    );
  });
}
