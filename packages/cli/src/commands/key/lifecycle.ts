import type { Command } from 'commander';
import type { Address } from 'viem';
import { heading, paint, printJson, printRows, withProgress } from '../../output.js';
import { parseAddress } from '../../parse/limits.js';
import {
  type ConnectionOptions,
  accountOption,
  connectionOptions,
  ownerContext,
  ownerOption,
  passwordOption,
  parseKeyArgument,
  requireModuleInstalled,
  resolveSessionKey,
} from '../../target.js';
import { requireSessionKey } from './describe.js';
import { deleteStoredKeys, generateStoredKey, passwordLabel } from './keystore.js';

type OwnerOptions = ConnectionOptions & { ownerKey?: string; account?: string; json?: boolean };
type RotateOptions = OwnerOptions & { newKey?: string; password?: string };

/** `leash key rotate`, `leash key remove` and `leash key revoke-all`. */
export function registerLifecycle(key: Command): void {
  const rotate = key
    .command('rotate')
    .description('move a key\'s tag, permissions and spend to a new key (generated and stored unless --new-key) and remove the old key')
    .argument('<key>', 'the session key to replace: its address or tag')
    .option('--new-key <address>', 'rotate to an existing key instead of generating one');
  connectionOptions(passwordOption(accountOption(ownerOption(rotate)))).action(async (keyArgument: string, options: RotateOptions) => {
    const named = parseKeyArgument(keyArgument, 'key');
    const given = options.newKey === undefined ? undefined : parseAddress(options.newKey, '--new-key');
    const { target, client, account, kind } = await ownerContext(options);
    await requireModuleInstalled(client, account, kind);
    const oldKey = await resolveSessionKey(target, account, named);
    await requireSessionKey(target, account, oldKey);
    const stored = given ? undefined : await generateStoredKey(target, options.password);
    const newKey: Address = given ?? stored!.address;
    let userOpHash: string;
    try {
      ({ userOpHash } = await withProgress(`Rotating ${oldKey} to ${newKey}`, () => client.rotateSessionKey({ oldKey, newKey })));
    } catch (error) {
      stored?.discard();
      throw error;
    }
    const deleted = deleteStoredKeys([oldKey]);
    if (options.json)
      return printJson({ account, oldKey, newKey, keystore: stored?.path ?? null, devPassword: stored?.devPassword ?? false, deletedKeystores: deleted, userOpHash });
    heading(`Session key rotated to ${newKey}`);
    printRows([
      ['Account', account],
      ['Old key', `${oldKey} ${paint('dim', '(removed; its permissions and spend moved to the new key)')}`],
      ['New key', newKey],
      ['Keystore', stored ? `${stored.path} ${paint(stored.devPassword ? 'yellow' : 'dim', `(${passwordLabel(stored.devPassword)})`)}` : 'none: the key was given with --new-key'],
      ...deleted.map((path): [string, string] => ['Deleted', `${path} ${paint('dim', "(the old key's keystore)")}`]),
      ['User op', userOpHash],
    ]);
  });

  const remove = key.command('remove').description('remove a session key (adding it again later starts from nothing)').argument('<key>', 'the session key: its address or tag');
  connectionOptions(accountOption(ownerOption(remove))).action(async (keyArgument: string, options: OwnerOptions) => {
    const named = parseKeyArgument(keyArgument, 'key');
    const { target, client, account, kind } = await ownerContext(options);
    await requireModuleInstalled(client, account, kind);
    const sessionKey = await resolveSessionKey(target, account, named);
    await requireSessionKey(target, account, sessionKey);
    const { userOpHash } = await withProgress(`Removing session key ${sessionKey}`, () => client.removeSessionKey({ key: sessionKey }));
    const deleted = deleteStoredKeys([sessionKey]);
    if (options.json) return printJson({ account, key: sessionKey, deletedKeystores: deleted, userOpHash });
    heading(`Session key ${sessionKey} removed`);
    printRows([
      ['Account', account],
      ...deleted.map((path): [string, string] => ['Deleted', path]),
      ['User op', userOpHash],
    ]);
  });

  const revokeAll = key.command('revoke-all').description('revoke every session key of the account in one op');
  connectionOptions(accountOption(ownerOption(revokeAll))).action(async (options: OwnerOptions) => {
    const { client, account, kind } = await ownerContext(options);
    await requireModuleInstalled(client, account, kind);
    const keys = (await client.getSessionKeys()).map((k) => k.address);
    const { userOpHash } = await withProgress(`Revoking all ${keys.length} session keys`, () => client.revokeAllSessionKeys());
    const deleted = deleteStoredKeys(keys);
    if (options.json) return printJson({ account, revoked: keys, deletedKeystores: deleted, userOpHash });
    heading(`Revoked ${keys.length} session key${keys.length === 1 ? '' : 's'}`);
    printRows([
      ['Account', account],
      ...keys.map((k): [string, string] => ['Revoked', k]),
      ...(deleted.length ? ([['Deleted', `${deleted.length} local keystore${deleted.length === 1 ? '' : 's'}`]] as [string, string][]) : []),
      ['User op', userOpHash],
    ]);
  });
}
