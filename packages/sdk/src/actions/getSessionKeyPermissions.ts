import {
  type Address,
  type BlockNumber,
  type BlockTag,
  type Hex,
  decodeEventLog,
  getAddress,
  pad,
  toEventSelector,
} from 'viem';
import { getLogs, readContract } from 'viem/actions';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { LeashError } from '../errors/LeashError.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import { decodePermissionUpdates, splitPermissionUpdates } from '../permissions/decodePermissionUpdates.js';
import type {
  SessionKeyAccessListType,
  SessionKeyContractAccess,
  SessionKeyErc20SpendLimit,
  SessionKeyPermissions,
} from '../permissions/types.js';
import { moduleOf } from './internal/module.js';
import { tagText } from './internal/tag.js';

/**
 * A spend limit's state at the time of the read.
 *
 * @example
 * ```ts
 * const { status } = (await client.getSessionKeyPermissions({ key })).spending.erc20[0]
 * console.log(`${status.remaining} of ${status.limit} left until ${new Date(status.nextRefresh! * 1000)}`)
 * ```
 */
export type SpendLimitStatus = {
  limit: bigint;
  /** Spent in the current period (in total for a lifetime limit). */
  used: bigint;
  remaining: bigint;
  /** Seconds; 0 for a lifetime limit. */
  refreshInterval: number;
  /** Start of the current period (seconds), for a refreshing limit. */
  periodStart: number | undefined;
  /** When the budget refreshes next (seconds), for a refreshing limit. */
  nextRefresh: number | undefined;
};

/**
 * Everything a session key may do now, with the budgets it has left.
 *
 * @example
 * ```ts
 * const state: SessionKeyState = await client.getSessionKeyPermissions({ key })
 * if (state.spending.gas !== 'unlimited') console.log(formatEther(state.spending.gas.remaining))
 * describePermissions(state.permissions)
 * ```
 */
export type SessionKeyState = {
  sessionKey: Address;
  tag: Hex;
  tagText: string | undefined;
  /** The key's current permissions, in the builder's format (complete: every field set). */
  permissions: SessionKeyPermissions;
  accessListType: SessionKeyAccessListType;
  timeRange: { validFrom: number | undefined; validUntil: number | undefined };
  refreshAnchor: number;
  requiredPaymaster: Address | null;
  spending: {
    nativeToken: SpendLimitStatus | 'unlimited';
    gas: SpendLimitStatus | 'unlimited';
    erc20: { tokenAddress: Address; status: SpendLimitStatus }[];
  };
};

/**
 * Parameters of {@link getSessionKeyPermissions}.
 *
 * @example
 * ```ts
 * const state = await client.getSessionKeyPermissions({ key, fromBlock: installBlock }) // RPCs that limit log ranges
 * ```
 */
export type GetSessionKeyPermissionsParameters = {
  key: Address;
  /** The account; the client's account by default. */
  account?: Address | undefined;
  /**
   * Where to start reading the module's events (they tell which contracts and tokens the key's entries name). Default
   * the earliest block; give the block of the module's deployment or the account's install on RPCs that limit ranges.
   */
  fromBlock?: BlockNumber | BlockTag | undefined;
};

type ModuleStatus = {
  hasLimit: boolean;
  limit: bigint;
  used: bigint;
  remaining: bigint;
  refreshInterval: number;
  periodStart: number;
  nextRefresh: number;
};

const toStatus = (s: ModuleStatus): SpendLimitStatus => ({
  limit: s.limit,
  used: s.used,
  remaining: s.remaining,
  refreshInterval: s.refreshInterval,
  periodStart: s.refreshInterval ? s.periodStart : undefined,
  nextRefresh: s.refreshInterval ? s.nextRefresh : undefined,
});

const managementEvents = ['SessionKeyAdded', 'SessionKeyRemoved', 'SessionKeyRotated', 'SessionKeyPermissionsUpdated', 'AllSessionKeysRevoked'];

/**
 * The updates that built the key's current session: replays the module's events for the account, following rotations
 * and forgetting removed and revoked sessions.
 */
async function updatesOfSession(client: LeashAccountClient, account: Address, key: Address, fromBlock: GetSessionKeyPermissionsParameters['fromBlock']) {
  const topics = managementEvents.map((name) =>
    toEventSelector(sessionKeyModuleAbi.find((item) => item.type === 'event' && item.name === name)! as never),
  );
  // Every management event has the account as its first indexed argument: filter on it at the node.
  const logs = await getLogs(client.client, {
    address: moduleOf(client),
    events: sessionKeyModuleAbi.filter((item) => item.type === 'event' && managementEvents.includes(item.name)),
    args: { account },
    fromBlock: fromBlock ?? 'earliest',
    toBlock: 'latest',
  } as never);
  const sessions = new Map<string, Hex[]>();
  const id = (a: Address) => a.toLowerCase();
  for (const log of logs) {
    if (!topics.includes(log.topics[0] as Hex) || log.topics[1] !== pad(account.toLowerCase() as Hex, { size: 32 })) continue;
    const event = decodeEventLog({ abi: sessionKeyModuleAbi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    const args = event.args as Record<string, unknown>;
    switch (event.eventName) {
      case 'SessionKeyAdded':
        sessions.set(id(args.sessionKey as Address), splitPermissionUpdates(args.updates as Hex));
        break;
      case 'SessionKeyPermissionsUpdated':
        sessions.get(id(args.sessionKey as Address))?.push(...splitPermissionUpdates(args.updates as Hex));
        break;
      case 'SessionKeyRotated': {
        const updates = sessions.get(id(args.oldSessionKey as Address)) ?? [];
        sessions.delete(id(args.oldSessionKey as Address));
        sessions.set(id(args.newSessionKey as Address), updates);
        break;
      }
      case 'SessionKeyRemoved':
        sessions.delete(id(args.sessionKey as Address));
        break;
      case 'AllSessionKeysRevoked':
        sessions.clear();
        break;
    }
  }
  return sessions.get(id(key)) ?? [];
}

/**
 * A session key's permissions as they stand on-chain, decoded, with the used and remaining budget of every limit and
 * when it refreshes. The contracts, functions and tokens the key's entries name are found from the module's events;
 * their current state is then read from the module.
 *
 * @example
 * ```ts
 * const state = await getSessionKeyPermissions(client, { key })
 * state.spending.erc20[0].status.remaining // 60_000_000n
 * describePermissions(state.permissions)   // ['May call only: …', …]
 * ```
 */
export async function getSessionKeyPermissions(
  client: LeashAccountClient,
  parameters: GetSessionKeyPermissionsParameters,
): Promise<SessionKeyState> {
  const account = parameters.account ?? client.account.address;
  const key = getAddress(parameters.key);
  const module = moduleOf(client);
  const read = <const F extends string>(functionName: F, args: readonly unknown[]) =>
    readContract(client.client, { address: module, abi: sessionKeyModuleAbi, functionName, args } as never) as Promise<any>;

  if (!(await read('isSessionKeyOf', [account, key])))
    throw new LeashError(`${key} is not a session key of ${account}.`);
  const [info, updates] = await Promise.all([read('getSessionKeyInfo', [account, key]), updatesOfSession(client, account, key, parameters.fromBlock)]);

  // Which contracts, functions and tokens the key's entries have ever named.
  const history = decodePermissionUpdates(updates);
  const targets = new Map<string, Set<Hex>>();
  for (const c of history.contracts ?? []) {
    const selectors = targets.get(c.contractAddress) ?? new Set<Hex>();
    for (const f of c.functions ?? []) selectors.add(f.selector);
    targets.set(c.contractAddress, selectors);
  }
  const tokens = new Set((history.erc20SpendLimits ?? []).map((t) => t.tokenAddress));

  const contracts: SessionKeyContractAccess[] = [];
  for (const [contractAddress, selectors] of [...targets].sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) {
    const [isOnList, checkSelectors] = (await read('getAccessListEntry', [account, key, contractAddress])) as [boolean, boolean];
    const functions = [];
    for (const selector of [...selectors].sort()) {
      if (await read('isSelectorOnAccessList', [account, key, contractAddress, selector])) functions.push({ selector, isOnList: true });
    }
    if (!isOnList && !checkSelectors && functions.length === 0) continue;
    contracts.push({ contractAddress: contractAddress as Address, isOnList, checkSelectors, ...(functions.length ? { functions } : {}) });
  }

  const erc20: SessionKeyState['spending']['erc20'] = [];
  const erc20SpendLimits: SessionKeyErc20SpendLimit[] = [];
  for (const tokenAddress of [...tokens].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) {
    const status = (await read('getErc20SpendLimit', [account, key, tokenAddress])) as ModuleStatus;
    if (!status.hasLimit) continue;
    erc20.push({ tokenAddress: tokenAddress as Address, status: toStatus(status) });
    erc20SpendLimits.push({ tokenAddress: tokenAddress as Address, limit: { spendLimit: status.limit, refreshInterval: status.refreshInterval } });
  }

  const native = info.nativeTokenSpend as ModuleStatus;
  const gas = info.gasSpend as ModuleStatus;
  const validFrom = info.validFrom ? Number(info.validFrom) : undefined;
  const validUntil = info.validUntil ? Number(info.validUntil) : undefined;
  const requiredPaymaster = /^0x0{40}$/.test(info.requiredPaymaster) ? null : (info.requiredPaymaster as Address);
  const permissions: SessionKeyPermissions = {
    accessListType: Number(info.accessListType) as SessionKeyAccessListType,
    contracts,
    timeRange: { ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}) },
    nativeTokenSpendLimit: native.hasLimit ? { spendLimit: native.limit, refreshInterval: native.refreshInterval } : 'unlimited',
    erc20SpendLimits,
    gasSpendLimit: gas.hasLimit ? { spendLimit: gas.limit, refreshInterval: gas.refreshInterval } : 'unlimited',
    requiredPaymaster,
    refreshAnchor: Number(info.refreshAnchor),
  };
  return {
    sessionKey: key,
    tag: info.tag,
    tagText: tagText(info.tag),
    permissions,
    accessListType: permissions.accessListType!,
    timeRange: { validFrom, validUntil },
    refreshAnchor: Number(info.refreshAnchor),
    requiredPaymaster,
    spending: {
      nativeToken: native.hasLimit ? toStatus(native) : 'unlimited',
      gas: gas.hasLimit ? toStatus(gas) : 'unlimited',
      erc20,
    },
  };
}
