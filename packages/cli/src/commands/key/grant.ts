import type { Command } from 'commander';
import { getAddress } from 'viem';
import { nowInSeconds } from '@leash/sdk';
import { CliError, exitCodes } from '../../errors.js';
import { heading, note, paint, printJson, printRows, withProgress } from '../../output.js';
import { parseAddress } from '../../parse/limits.js';
import { type PermissionFlags, buildPermissions } from '../../permissions.js';
import { type ConnectionOptions, connectionOptions, ownerContext, ownerOption, passwordOption } from '../../target.js';
import { permissionOptions } from './flags.js';
import { generateStoredKey, passwordLabel } from './keystore.js';
import { describeWithTokens, printPermissions, requireSessionKey } from './describe.js';

type AddOptions = ConnectionOptions & PermissionFlags & { key?: string; tag?: string; ownerKey?: string; password?: string; json?: boolean };
type UpdateOptions = ConnectionOptions & PermissionFlags & { ownerKey?: string; json?: boolean };

/** `leash key add` and `leash key update`: grant a key its permissions, or change some of them. */
export function registerGrant(key: Command): void {
  const add = key
    .command('add')
    .description('add a session key with its permissions (a new key is generated and stored encrypted unless --key is given)')
    .option('--key <address>', 'grant an existing key (e.g. an agent\'s) instead of generating one')
    .option('--tag <text>', 'a label for the key (up to 31 bytes)');
  permissionOptions(add, { update: false });
  passwordOption(ownerOption(add));
  connectionOptions(add).action(async (options: AddOptions) => {
    const { target, client, account } = await ownerContext(options);
    if (!(await client.isSessionKeyModuleInstalled()))
      throw new CliError(`The session key module is not installed on ${account}.`, { hint: 'Run `leash account create` first.' });
    const given = options.key === undefined ? undefined : parseAddress(options.key, '--key');
    const built = await buildPermissions(options, { publicClient: target.publicClient, now: nowInSeconds() });

    const stored = given ? undefined : await generateStoredKey(target, options.password);
    const sessionKey = given ?? stored!.address;
    let userOpHash: string;
    try {
      ({ userOpHash } = await withProgress(`Adding session key ${sessionKey}`, () =>
        client.addSessionKey({ key: sessionKey, tag: options.tag, permissions: built.builder.encode() }),
      ));
    } catch (error) {
      stored?.discard();
      throw error;
    }
    const description = describeWithTokens(built.builder.toPermissions(), built.tokens);
    if (options.json)
      return printJson({
        key: sessionKey,
        account,
        tag: options.tag ?? '',
        keystore: stored?.path ?? null,
        devPassword: stored?.devPassword ?? false,
        permissions: built.builder.toPermissions(),
        description,
        notes: built.notes,
        userOpHash,
      });
    heading(`Session key ${sessionKey} added`);
    printRows([
      ['Account', account],
      ...(options.tag ? ([['Tag', options.tag]] as [string, string][]) : []),
      ['Keystore', stored ? `${stored.path} ${paint(stored.devPassword ? 'yellow' : 'dim', `(${passwordLabel(stored.devPassword)})`)}` : 'none: the key was given with --key'],
      ['User op', userOpHash],
    ]);
    printPermissions(description);
    for (const line of built.notes) note(line);
  });

  const update = key
    .command('update')
    .description('change some permissions of a session key: only the flags given change')
    .argument('<key>', 'the session key\'s address');
  permissionOptions(update, { update: true });
  ownerOption(update);
  connectionOptions(update).action(async (keyArgument: string, options: UpdateOptions) => {
    const sessionKey = parseAddress(keyArgument, 'key');
    const { target, client, account } = await ownerContext(options);
    const state = await requireSessionKey(target, account, sessionKey);
    const built = await buildPermissions(options, {
      publicClient: target.publicClient,
      now: nowInSeconds(),
      current: { accessListType: state.accessListType, validFrom: state.timeRange.validFrom, validUntil: state.timeRange.validUntil },
    });
    if (built.empty)
      throw new CliError('Nothing to update: give at least one permission flag (see `leash key update --help`).', { exitCode: exitCodes.usage });
    const { userOpHash } = await withProgress(`Updating session key ${sessionKey}`, () =>
      client.updateSessionKeyPermissions({ key: sessionKey, permissions: built.builder.encode() }),
    );
    const description = describeWithTokens(built.builder.toPermissions(), built.tokens);
    if (options.json)
      return printJson({ key: sessionKey, account, changes: built.builder.toPermissions(), description, notes: built.notes, userOpHash });
    heading(`Session key ${getAddress(sessionKey)} updated`);
    printRows([
      ['Account', account],
      ['User op', userOpHash],
    ]);
    printPermissions(description, 'Changes');
    for (const line of built.notes) note(line);
  });
}
