import type { Address, PublicClient } from 'viem';
import { type SessionKeyCallLimit, type SessionKeySpendLimit, SessionKeyAccessListType, SessionKeyPermissionsBuilder } from '@leash/sdk';
import { CliError, exitCodes } from './errors.js';
import { type TokenInfo, formatTime, tokenInfo } from './format.js';
import { type AccessSpec } from './parse/access.js';
import { toBaseUnits } from './parse/amounts.js';
import { InvalidFlagError } from './parse/errors.js';
import type { Erc20LimitSpec, LimitSpec } from './parse/limits.js';

/** The permission flags of `key add` and `key update`, parsed. */
export type PermissionFlags = {
  allow?: AccessSpec[] | undefined;
  deny?: AccessSpec[] | undefined;
  allowAll?: boolean | undefined;
  /** `key update` only: entries to take off the access list. */
  unlist?: AccessSpec[] | undefined;
  erc20?: Erc20LimitSpec[] | undefined;
  native?: LimitSpec<bigint> | undefined;
  gas?: LimitSpec<bigint> | undefined;
  /** `--max-calls`: how many calls the key's ops may make. */
  maxCalls?: SessionKeyCallLimit | 'unlimited' | undefined;
  /** 'none': no paymaster required. */
  paymaster?: Address | 'none' | undefined;
  /** Seconds from now. */
  validFor?: number | undefined;
  validFrom?: number | undefined;
  validUntil?: number | 'never' | undefined;
};

/** What `key update` needs to know of the key as it stands. */
export type CurrentKey = {
  accessListType: SessionKeyAccessListType;
  validFrom: number | undefined;
  validUntil: number | undefined;
};

/** The permission updates to send, the tokens they name, and notes for the user. */
export type BuiltPermissions = { builder: SessionKeyPermissionsBuilder; tokens: TokenInfo[]; notes: string[]; empty: boolean };

const listTypeNames = { 0: 'allowlist', 1: 'denylist', 2: 'allow-all' } as const;

/**
 * Turns the permission flags into builder calls. For a new key (`current` undefined) every flag given is set; for
 * `key update`, only what the flags name changes (the access list type only when it differs, and a time range flag
 * keeps the other side of the current range).
 */
export async function buildPermissions(
  flags: PermissionFlags,
  context: { publicClient: PublicClient; now: number; current?: CurrentKey | undefined },
): Promise<BuiltPermissions> {
  const { publicClient, now, current } = context;
  const builder = new SessionKeyPermissionsBuilder();
  const notes: string[] = [];
  let empty = true;
  const allow = flags.allow ?? [];
  const deny = flags.deny ?? [];
  const unlist = flags.unlist ?? [];

  const modes = [allow.length > 0 && '--allow', deny.length > 0 && '--deny', flags.allowAll && '--allow-all'].filter(Boolean);
  if (modes.length > 1)
    throw new CliError(`${modes.join(' and ')} cannot be combined: a key's access list is an allowlist, a denylist, or allow-all.`, {
      exitCode: exitCodes.usage,
    });
  const listType =
    allow.length > 0 ? SessionKeyAccessListType.ALLOWLIST : deny.length > 0 ? SessionKeyAccessListType.DENYLIST : flags.allowAll ? SessionKeyAccessListType.ALLOW_ALL : undefined;
  if (listType !== undefined && listType !== current?.accessListType) {
    // A new key starts as an allowlist; sending the type anyway keeps the op explicit.
    builder.setContractAccessControlType(listType);
    empty = false;
    if (current)
      notes.push(
        `the access list changes from ${listTypeNames[current.accessListType]} to ${listTypeNames[listType]}: entries already there are now read as ${listTypeNames[listType]} entries`,
      );
  }
  for (const [contract, entries] of groupByContract([...allow, ...deny])) {
    const wholeContract = entries.some((e) => !e.function);
    const functions = entries.filter((e) => e.function);
    if (wholeContract && functions.length > 0)
      throw new CliError(`${contract} is listed both as a whole contract and with functions: give one or the other.`, { exitCode: exitCodes.usage });
    builder.addContractAddressAccessEntry({ contractAddress: contract, isOnList: true, checkSelectors: functions.length > 0 });
    for (const entry of functions)
      builder.addContractFunctionAccessEntry({ contractAddress: contract, methodSelector: entry.function!.selector, isOnList: true });
    empty = false;
  }
  for (const entry of unlist) {
    if (entry.function) builder.addContractFunctionAccessEntry({ contractAddress: entry.contract, methodSelector: entry.function.selector, isOnList: false });
    else builder.addContractAddressAccessEntry({ contractAddress: entry.contract, isOnList: false, checkSelectors: false });
    empty = false;
  }

  if (flags.validFor !== undefined && flags.validUntil !== undefined)
    throw new CliError('--valid-for and --valid-until cannot be combined.', { exitCode: exitCodes.usage });
  const until = flags.validFor !== undefined ? now + flags.validFor : flags.validUntil;
  if (until !== undefined || flags.validFrom !== undefined) {
    if (typeof until === 'number' && until <= now)
      throw new InvalidFlagError({ flag: flags.validFor !== undefined ? '--valid-for' : '--valid-until', value: formatTime(until), expected: 'that is not in the future' });
    builder.setTimeRange({
      validFrom: flags.validFrom ?? current?.validFrom,
      validUntil: until === 'never' ? undefined : (until ?? current?.validUntil),
    });
    empty = false;
  }

  if (flags.native === 'unlimited') builder.removeNativeTokenSpendLimit();
  else if (flags.native) builder.setNativeTokenSpendLimit(toSpendLimit(flags.native));
  if (flags.gas === 'unlimited') builder.removeGasSpendLimit();
  else if (flags.gas) builder.setGasSpendLimit(toSpendLimit(flags.gas));
  if (flags.native || flags.gas) empty = false;
  if (flags.maxCalls === 'unlimited') builder.removeCallLimit();
  else if (flags.maxCalls) builder.setCallLimit(flags.maxCalls);
  if (flags.maxCalls) empty = false;

  const tokens: TokenInfo[] = [];
  for (const { token, limit } of flags.erc20 ?? []) {
    const info = await tokenInfo(publicClient, token);
    tokens.push(info);
    if (limit === 'unlimited') builder.removeErc20TokenSpendLimit({ tokenAddress: token });
    else
      builder.addErc20TokenSpendLimit({
        tokenAddress: token,
        spendLimit: toBaseUnits(limit.amount, info.decimals, `--erc20 ${token}`, info.symbol),
        refreshInterval: limit.refreshInterval,
      });
    empty = false;
  }

  if (flags.paymaster !== undefined) {
    builder.setRequiredPaymaster({ paymasterAddress: flags.paymaster === 'none' ? null : flags.paymaster });
    empty = false;
  }

  if (!current) {
    if (listType === undefined) notes.push('no --allow, --deny or --allow-all: the key may call no contract yet');
    if (flags.gas === undefined && (flags.paymaster === undefined || flags.paymaster === 'none'))
      notes.push('no --gas: a new key may not spend the account\'s ETH on gas; add --gas <amount>/<period> (or unlimited), or require a --paymaster');
    if (listType === SessionKeyAccessListType.ALLOWLIST)
      for (const token of tokens)
        if (!allow.some((entry) => entry.contract === token.address))
          notes.push(`${token.symbol} ${token.address} has a spend limit but is not on the allowlist: add --allow ${token.address}:transfer(address,uint256)`);
  }
  return { builder, tokens, notes, empty };
}

function toSpendLimit(limit: { amount: bigint; refreshInterval: number }): SessionKeySpendLimit {
  return { spendLimit: limit.amount, refreshInterval: limit.refreshInterval };
}

function groupByContract(entries: AccessSpec[]): Map<Address, AccessSpec[]> {
  const groups = new Map<Address, AccessSpec[]>();
  for (const entry of entries) groups.set(entry.contract, [...(groups.get(entry.contract) ?? []), entry]);
  return groups;
}

