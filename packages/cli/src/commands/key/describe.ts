import fs from 'node:fs';
import type { Address } from 'viem';
import { type SessionKeyPermissions, type SessionKeyState, type SpendLimitStatus, describePermissions, sessionKeyModuleAbi, formatAmount } from '@leash/sdk';
import { heading } from '../../output.js';
import { CliError } from '../../errors.js';
import { type TokenInfo, formatLimit, short, formatTime, formatTimeFromNow, formatValidity, native, tokenInfo } from '../../format.js';
import { keystorePath } from '../../state.js';
import { type Target, readClient } from '../../target.js';

const listTypeNames = ['allowlist', 'denylist', 'allow-all'] as const;

/** One limit of a key, with its budget. */
export type LimitView = {
  kind: 'erc20' | 'native' | 'gas' | 'calls';
  /** `dUSD (0x1f08…3BA6)`, `native`, `gas`. */
  label: string;
  unit: { symbol: string; decimals: number };
  token?: Address | undefined;
  status: SpendLimitStatus | 'unlimited';
};

/** A key's state with what the CLI needs to show it: its tokens' units and its limits in order. */
export type KeyView = { state: SessionKeyState; tokens: TokenInfo[]; limits: LimitView[]; keystore: string | undefined };

/** A session key's state (read through the lens) with the units of the tokens it has limits on. */
export async function loadKeyView(target: Target, state: SessionKeyState): Promise<KeyView> {
  const key = state.sessionKey;
  const tokens = await Promise.all(state.spending.erc20.map((t) => tokenInfo(target.publicClient, t.tokenAddress)));
  const limits: LimitView[] = [
    ...state.spending.erc20.map(
      (t, i): LimitView => ({ kind: 'erc20', label: `${tokens[i]!.symbol} (${t.tokenAddress.slice(0, 6)}…${t.tokenAddress.slice(-4)})`, unit: tokens[i]!, token: t.tokenAddress, status: t.status }),
    ),
    { kind: 'native', label: 'native', unit: native, status: state.spending.nativeToken },
    { kind: 'gas', label: 'gas', unit: native, status: state.spending.gas },
    { kind: 'calls', label: 'calls', unit: callUnit, status: state.spending.calls },
  ];
  const stored = keystorePath(key);
  return { state, tokens, limits, keystore: fs.existsSync(stored) ? stored : undefined };
}

/** Calls, as the budget tables count them. */
export const callUnit = { symbol: 'calls', decimals: 0 } as const;

/**
 * The key's state (one read through the session key lens); fails clearly, before any op is sent, when `key` is not a
 * session key of `account`.
 */
export async function requireSessionKey(target: Target, account: Address, key: Address): Promise<SessionKeyState> {
  const client = await readClient(target, account);
  const [state] = (await client.getSessionKeyStates({ account })).filter((s) => s.sessionKey.toLowerCase() === key.toLowerCase());
  if (!state) throw new CliError(`${key} is not a session key of ${account}.`, { hint: 'See `leash key list`.' });
  return state;
}

/** The rows of `key list` for one key: the first carries the key, tag and validity, one row per limit. */
export function keyTableRows(view: KeyView, now: number): string[][] {
  const { state } = view;
  return view.limits.map((limit, i) => {
    const first = i === 0;
    const status = limit.status;
    const cells =
      status === 'unlimited'
        ? ['unlimited', '-', '-', '-']
        : [
            formatLimit(status, limit.unit),
            formatAmount(status.used, limit.unit, short),
            formatAmount(status.remaining, limit.unit, short),
            status.nextRefresh === undefined ? 'never' : formatTimeFromNow(status.nextRefresh, now),
          ];
    return [
      first ? state.sessionKey : '',
      first ? (state.tagText ?? state.tag) : '',
      first ? formatValidity(state.timeRange, now) : '',
      limit.label,
      ...cells,
    ];
  });
}

/** The header of `key list`. */
export const keyTableHeader = ['KEY', 'TAG', 'VALID', 'LIMIT ON', 'LIMIT', 'USED', 'REMAINING', 'NEXT REFRESH'];

/** Permissions in plain words: the SDK's description, with the tokens' symbols and decimals. */
export function describeWithTokens(permissions: SessionKeyPermissions, tokens: readonly TokenInfo[]): string[] {
  return describePermissions(permissions, {
    tokens: Object.fromEntries(tokens.map((t) => [t.address, { symbol: t.symbol, decimals: t.decimals }])),
    formatTimestamp: formatTime,
  });
}

/** A key's permissions in plain words (without the default refresh anchor, which every key has). */
export function describeKey(view: KeyView): string[] {
  return describeWithTokens(view.state.permissions, view.tokens).filter((line) => !line.startsWith('Refreshing limits’ periods start at the Unix epoch'));
}

/** Prints permission lines under a heading. */
export function printPermissions(lines: readonly string[], title = 'Permissions'): void {
  heading(title);
  for (const line of lines) console.log(`  • ${line}`);
}

/** A key as `--json` output gives it: every number exact (bigints as strings), times in Unix seconds. */
export function keyJson(view: KeyView) {
  const { state } = view;
  return {
    key: state.sessionKey,
    tag: state.tagText ?? state.tag,
    validFrom: state.timeRange.validFrom ?? null,
    validUntil: state.timeRange.validUntil ?? null,
    accessListType: listTypeNames[state.accessListType],
    requiredPaymaster: state.requiredPaymaster,
    refreshAnchor: state.refreshAnchor,
    permissions: state.permissions,
    description: describeKey(view),
    limits: view.limits.map((limit) => ({
      kind: limit.kind,
      ...(limit.token ? { token: limit.token } : {}),
      symbol: limit.unit.symbol,
      decimals: limit.unit.decimals,
      ...(limit.status === 'unlimited' ? { unlimited: true } : { unlimited: false, ...limit.status }),
    })),
    keystore: view.keystore ?? null,
  };
}
