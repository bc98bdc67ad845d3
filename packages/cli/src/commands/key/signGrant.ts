import type { Command } from 'commander';
import { PermissionNotGrantableError, nowInSeconds } from '@leash/sdk';
import { formatTime } from '../../format.js';
import { CliError, exitCodes } from '../../errors.js';
import { heading, note, paint, printJson, printRows, withProgress } from '../../output.js';
import { InvalidFlagError } from '../../parse/errors.js';
import { parseAddress } from '../../parse/limits.js';
import { parseDate, parseDuration } from '../../parse/time.js';
import { type PermissionFlags, buildPermissions } from '../../permissions.js';
import { type ConnectionOptions, connectionOptions, ownerClient, ownerOption, passwordOption, resolveOwner, resolveTarget } from '../../target.js';
import { writeGrantFile } from '../grant/file.js';
import { describeWithTokens, printPermissions } from './describe.js';
import { permissionOptions } from './flags.js';
import { generateStoredKey, passwordLabel } from './keystore.js';

type GrantOptions = ConnectionOptions &
  PermissionFlags & {
    tag?: string;
    chains?: string;
    out: string;
    expiresIn?: number;
    expires?: number;
    nonce?: string;
    ownerKey?: string;
    password?: string;
    json?: boolean;
  };

/** `leash key grant`: sign a grant of a key's permissions, on one chain or many; no transaction. */
export function registerSignGrant(key: Command): void {
  const grant = key
    .command('grant')
    .description('grant a session key its permissions with one owner signature and no transaction (on one chain or many): writes a grant file its first op carries')
    .argument('[key]', "the session key's address (default: generate one and store it encrypted)")
    .option('--tag <text>', 'a label for the key (up to 31 bytes)')
    .option('--chains <ids>', 'the chains the grant holds on, comma-separated, each id or id:generation (default: this chain)')
    .requiredOption('--out <file>', 'where to write the grant (JSON; - for stdout)')
    .option('--expires-in <duration>', 'the grant must be used within this long, e.g. 1h, 7d (default: no deadline)', (v: string) => parseDuration(v, '--expires-in'))
    .option('--expires <date>', 'the grant must be used by this date (ISO 8601 or Unix seconds)', (v: string) => parseDate(v, '--expires'))
    .option('--nonce <n>', 'the grant nonce: a number, "small" (the lowest unused below 160: cheaper on-chain) or random (default)');
  permissionOptions(grant, { update: false });
  passwordOption(ownerOption(grant));
  connectionOptions(grant).action(async (keyArgument: string | undefined, options: GrantOptions) => {
    if (options.expires !== undefined && options.expiresIn !== undefined)
      throw new CliError('Give --expires or --expires-in, not both.', { exitCode: exitCodes.usage });
    // Bad flags are refused before anything is read or signed.
    const given = keyArgument === undefined ? undefined : parseAddress(keyArgument, 'key');
    const nonce = parseNonce(options.nonce);
    const requestedChains = options.chains === undefined ? undefined : parseChains(options.chains);
    const target = await resolveTarget(options, { bundler: false });
    const { owner } = resolveOwner(target, options.ownerKey, { create: false });
    const client = await ownerClient(target, owner);
    const account = client.account.address;
    if (!(await client.isSessionKeyModuleInstalled()))
      throw new CliError(`The session key module is not installed on ${account} on chain ${target.chain.id}.`, { hint: 'Run `leash account create` first.' });
    const now = nowInSeconds();
    const chains = requestedChains ?? [{ chainId: target.chain.id }];
    const validUntil = options.expires ?? (options.expiresIn !== undefined ? now + options.expiresIn : 0);
    const built = await buildPermissions(options, { publicClient: target.publicClient, now });
    const stored = given ? undefined : await generateStoredKey(target, options.password);
    const sessionKey = given ?? stored!.address;
    let signed;
    try {
      signed = await withProgress(`Signing a grant of ${sessionKey} for chain${chains.length > 1 ? 's' : ''} ${chains.map((c) => c.chainId).join(', ')}`, () =>
        client.signSessionKeyGrant({
          sessionKey,
          tag: options.tag,
          permissions: built.builder.encode(),
          chains: chains.map((c) => ({ ...c, ...(c.chainId === target.chain.id ? { client: target.publicClient } : {}) })),
          validUntil,
          nonce,
        }),
      );
    } catch (error) {
      stored?.discard();
      if (error instanceof PermissionNotGrantableError)
        throw new CliError(`A grant cannot carry ${error.functionName}: a new key has no such limit to remove.`, {
          exitCode: exitCodes.usage,
          hint: 'Leave out "unlimited" for --erc20 and --max-calls: a new key has no ERC-20 limit and no call limit unless one is given.',
          cause: error,
        });
      throw error;
    }
    writeGrantFile(options.out, signed);
    const description = describeWithTokens(built.builder.toPermissions(), built.tokens);
    if (options.json)
      return options.out === '-'
        ? undefined
        : printJson({
            key: sessionKey,
            account,
            tag: options.tag ?? '',
            file: options.out,
            keystore: stored?.path ?? null,
            devPassword: stored?.devPassword ?? false,
            nonce: signed.nonce,
            validUntil: signed.validUntil || null,
            chains: signed.chains.map(({ chainId, generation }) => ({ chainId, generation })),
            permissions: built.builder.toPermissions(),
            description,
            notes: built.notes,
          });
    if (options.out === '-') return;
    heading(`Grant of session key ${sessionKey} signed (no transaction sent)`);
    printRows([
      ['Account', account],
      ...(options.tag ? ([['Tag', options.tag]] as [string, string][]) : []),
      ['Chains', signed.chains.map((c) => `${c.chainId}${c.generation ? ` (generation ${c.generation})` : ''}`).join(', ')],
      ['Grant nonce', signed.nonce.toString()],
      ['Use by', signed.validUntil ? formatTime(signed.validUntil) : 'no deadline'],
      ['Grant file', options.out],
      ['Keystore', stored ? `${stored.path} ${paint(stored.devPassword ? 'yellow' : 'dim', `(${passwordLabel(stored.devPassword)})`)}` : 'none: the key was given'],
    ]);
    printPermissions(description);
    for (const line of built.notes) note(line);
    note(`The key's first op on each chain enables it: \`leash exec --grant ${options.out} …\`. Cancel it with \`leash grant cancel ${options.out}\`.`);
  });
}

/** `--chains 1,8453:2` → [{ chainId: 1 }, { chainId: 8453, generation: 2 }]. */
function parseChains(value: string): { chainId: number; generation?: number }[] {
  const chains = value.split(',').map((part) => {
    const match = /^\s*([1-9][0-9]*)(?::([0-9]+))?\s*$/.exec(part);
    if (!match || !Number.isSafeInteger(Number(match[1])) || (match[2] !== undefined && Number(match[2]) >= 2 ** 32))
      throw new InvalidFlagError({ flag: '--chains', value, expected: 'expected chain ids, comma-separated, each optionally with :generation (e.g. 1,8453:2)' });
    return { chainId: Number(match[1]), ...(match[2] !== undefined ? { generation: Number(match[2]) } : {}) };
  });
  if (new Set(chains.map((c) => c.chainId)).size !== chains.length)
    throw new InvalidFlagError({ flag: '--chains', value, expected: 'each chain once' });
  return chains;
}

function parseNonce(value: string | undefined): bigint | 'small' | undefined {
  if (value === undefined || value === 'random') return undefined;
  if (value === 'small') return 'small';
  if (!/^(0|[1-9][0-9]*)$/.test(value) || BigInt(value) >= 2n ** 64n)
    throw new InvalidFlagError({ flag: '--nonce', value, expected: 'expected a 64-bit number, "small" or "random"' });
  return BigInt(value);
}
