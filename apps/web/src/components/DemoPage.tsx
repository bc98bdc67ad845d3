import { useEffect, useMemo, useRef, useState } from 'react';
import { type Address, encodeFunctionData, erc20Abi, getAddress, parseUnits } from 'viem';
import { type SessionKeyState, SessionKeySigner, devTokenParameters } from '@leash/sdk';
import type { SessionManagerConfig } from '../config.js';
import { type SessionKeyClient, connectSessionKey, createChainClient } from '../connection.js';
import { explainError } from '../errors.js';
import { formatAmount, shortHex } from '../format.js';
import { useAction, useLocalKeysVersion, usePolling } from '../hooks.js';
import { listLocalSessionKeys, loadLocalSessionKeySigner } from '../localKeys.js';
import { findLocalGrant } from '../localGrants.js';
import { ActionStatus } from './ActionStatus.js';

/** Who receives the tips: a fixed address, so balances are easy to follow. */
const creator = getAddress('0x000000000000000000000000000000000000c0de');
const dusd = { symbol: devTokenParameters.symbol, decimals: devTokenParameters.decimals };

/** A session key the demo page can sign with: one this browser generated, or the one the CLI's demo granted. */
type UsableKey = { address: Address; account: Address; label: string; origin: 'browser' | 'cli-demo' };

function signerOf(key: UsableKey, config: SessionManagerConfig): SessionKeySigner | undefined {
  if (key.origin === 'browser') return loadLocalSessionKeySigner(key.address);
  return config.demoSessionKey && new SessionKeySigner({ privateKey: config.demoSessionKey.privateKey });
}

/** Where a key comes from, for a reader who has not seen the code. */
function KeyOrigin({ usableKey }: { usableKey: UsableKey }) {
  return (
    <p className="hint" data-testid="key-origin">
      {usableKey.origin === 'cli-demo' ? (
        <>
          The demo in your terminal (<code>npm start</code>) granted this key to its account, in its step 3. This page
          got the key from the local server, as an app's front end gets a key from its backend: only the account's owner
          could grant it, and its limits are enforced on-chain.
        </>
      ) : (
        <>Generated in this browser on the Session keys page; its private key stays in this browser's localStorage.</>
      )}
    </p>
  );
}

/** A small app that acts with a session key: tips in dUSD, one click each, no wallet prompt. */
export function DemoPage({ config }: { config: SessionManagerConfig }) {
  const localKeysVersion = useLocalKeysVersion();
  // Re-read from localStorage whenever the stored keys change; the CLI demo's key (if any) comes last.
  const keys = useMemo((): UsableKey[] => {
    const demo = config.demoSessionKey;
    return [
      ...listLocalSessionKeys().map((key) => ({ address: key.address, account: key.account, label: key.tag, origin: 'browser' as const })),
      ...(demo ? [{ address: demo.address, account: demo.account, label: demo.label, origin: 'cli-demo' as const }] : []),
    ];
  }, [localKeysVersion, config]);
  const [selected, setSelected] = useState<Address>();
  const current = keys.find((key) => key.address === selected) ?? keys[0];
  const devToken = config.contracts.devToken;

  return (
    <section className="panel" aria-labelledby="demo-title">
      <h2 id="demo-title">Demo app: tip jar</h2>
      <p>
        This page is an app that was granted a session key. Each tip is a user operation signed by that key in this
        browser: no wallet prompt. The key's limits are enforced on-chain, so a tip over its budget is refused.
      </p>
      {!devToken ? (
        <p className="status failed">The demo needs the local stack's dUSD token; this chain has none.</p>
      ) : !current ? (
        <p data-testid="no-local-key">
          This browser holds no session key yet (and this server offers no key from the CLI's demo). On the{' '}
          <a href="#/">Session keys</a> page, add one with “Generate a new key in this browser”, allowing transfer on the
          dUSD token.
        </p>
      ) : (
        <>
          <label htmlFor="demo-session-key">Session key</label>
          <select id="demo-session-key" value={current.address} onChange={(e) => setSelected(e.target.value as Address)}>
            {keys.map((key) => (
              <option key={key.address} value={key.address}>
                {key.label || 'No label'} · {shortHex(key.address)} · account {shortHex(key.account)}
                {key.origin === 'cli-demo' ? ' · from the npm start demo' : ' · made in this browser'}
              </option>
            ))}
          </select>
          <KeyOrigin usableKey={current} />
          <TipJar key={current.address} config={config} devToken={devToken} usableKey={current} />
        </>
      )}
    </section>
  );
}

type LogEntry = { id: number; ok: boolean; text: string };

function TipJar({ config, devToken, usableKey }: { config: SessionManagerConfig; devToken: Address; usableKey: UsableKey }) {
  const publicClient = useMemo(() => createChainClient(config), [config]);
  const [client, setClient] = useState<SessionKeyClient>();
  const [amount, setAmount] = useState('1');
  const [log, setLog] = useState<LogEntry[]>([]);
  // The key's last read state gives each limit's period in refusals ("Limit: 2 calls a day").
  const keyState = useRef<SessionKeyState | undefined>(undefined);
  const explain = (error: unknown) =>
    explainError(error, (token) => (token.toLowerCase() === devToken.toLowerCase() ? { address: devToken, ...dusd } : undefined), keyState.current);
  const action = useAction(explain);

  useEffect(() => {
    const signer = signerOf(usableKey, config);
    if (signer) void connectSessionKey(config, signer, usableKey.account).then(setClient);
  }, [config, usableKey]);

  const state = usePolling(async () => {
    const balanceOf = (owner: Address) => publicClient.readContract({ address: devToken, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
    const [accountBalance, creatorBalance, budget] = await Promise.all([
      balanceOf(usableKey.account),
      balanceOf(creator),
      client
        ? client.getSessionKeyPermissions({ key: usableKey.address }).then(
            (permissions) => {
              keyState.current = permissions;
              return permissions.spending.erc20.find((limit) => limit.tokenAddress.toLowerCase() === devToken.toLowerCase())?.status ?? 'no limit';
            },
            () => {
              keyState.current = undefined;
              return 'not a session key' as const;
            },
          )
        : undefined,
    ]);
    return { accountBalance, creatorBalance, budget };
  }, [client, usableKey, devToken, publicClient]);

  const append = (entry: Omit<LogEntry, 'id'>) => setLog((entries) => [{ ...entry, id: entries.length + 1 }, ...entries]);

  const tip = () =>
    action.run(`Sending a ${amount} dUSD tip with the session key`, async () => {
      if (!client) throw new Error('The session key client is not ready yet.');
      const trimmed = amount.trim();
      if (!/^\d+(\.\d+)?$/.test(trimmed)) throw new Error(`"${amount}" is not an amount.`);
      const value = parseUnits(trimmed, dusd.decimals);
      try {
        // A key granted from this browser but not registered yet: its first op carries the grant and enables it.
        const { userOpHash } = await client.executeWithSessionKey({
          grant: findLocalGrant(usableKey.account, usableKey.address),
          calls: [{ to: devToken, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [creator, value] }) }],
        });
        append({ ok: true, text: `Tipped ${formatAmount(value, dusd)} · user op ${shortHex(userOpHash)}` });
        state.refresh();
        return `Sent ${formatAmount(value, dusd)} to the creator, signed by the session key: no wallet prompt.`;
      } catch (error) {
        append({ ok: false, text: `${formatAmount(value, dusd)} tip: ${explain(error).title}` });
        state.refresh();
        throw error;
      }
    });

  const budget = state.data?.budget;
  return (
    <>
      <dl className="facts">
        <dt>Account</dt>
        <dd className="mono">{usableKey.account}</dd>
        <dt>Account balance</dt>
        <dd data-testid="demo-account-balance">{state.data ? formatAmount(state.data.accountBalance, dusd) : '…'}</dd>
        <dt>Creator ({shortHex(creator)}) received</dt>
        <dd data-testid="creator-balance">{state.data ? formatAmount(state.data.creatorBalance, dusd) : '…'}</dd>
        <dt>Key's dUSD budget</dt>
        <dd data-testid="demo-budget">
          {budget === undefined
            ? '…'
            : typeof budget === 'string'
              ? budget === 'not a session key'
                ? 'This key is not a session key of the account (not granted yet, revoked, or rotated away).'
                : 'No dUSD limit'
              : `${formatAmount(budget.remaining, dusd)} left of ${formatAmount(budget.limit, dusd)}`}
        </dd>
      </dl>
      <div className="tip">
        <label>
          Tip amount (dUSD)
          <input type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <button type="button" disabled={action.busy || !client} onClick={() => void tip()}>
          Send {amount.trim() || '0'} dUSD tip
        </button>
      </div>
      <ActionStatus state={action.state} />
      <h3>Activity</h3>
      {log.length === 0 ? (
        <p className="hint">No tips yet.</p>
      ) : (
        <ol className="log" data-testid="activity">
          {log.map((entry) => (
            <li key={entry.id} className={entry.ok ? 'ok' : 'refused'}>
              {entry.text}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
