import { useState } from 'react';
import { type Address, isAddress } from 'viem';
import { type SessionKeyState, type SpendLimitStatus, formatRefreshInterval } from '@leash/sdk';
import type { OwnerConnection } from '../connection.js';
import { describeKeyPermissions } from '../describeKey.js';
import { type DisplayUnit, calls, ether, formatAmount, formatDuration, formatTimestamp, shortHex } from '../format.js';
import type { RunAction } from '../hooks.js';
import { createLocalSessionKey, forgetLocalSessionKey, hasLocalSessionKey } from '../localKeys.js';
import { type TokenInfo, tokensByAddress } from '../tokens.js';

type Props = {
  connection: OwnerConnection;
  sessionKey: SessionKeyState;
  tokens: TokenInfo[];
  now: number;
  /** Whether this is the key that the CLI's demo (npm start) granted, which the demo page can use. */
  fromDemo: boolean;
  /** Runs an owner action; the list shows its outcome (it outlives this card when the key goes away). */
  run: RunAction;
  busy: boolean;
  onChanged: () => void;
};

/** One session key: what it may do in plain language, its budgets, its expiry countdown; rotate or revoke it. */
export function SessionKeyCard({ connection, sessionKey, tokens, now, fromDemo, run, busy, onChanged }: Props) {
  const [mode, setMode] = useState<'view' | 'confirm-revoke' | 'rotate'>('view');
  const address = sessionKey.sessionKey;
  // A tag that is not text (e.g. a hash) shows as hex.
  const label = sessionKey.tagText || (sessionKey.tagText === '' ? 'No label' : `Tag ${shortHex(sessionKey.tag)}`);
  const tokenOf = (token: Address) => tokens.find((t) => t.address.toLowerCase() === token.toLowerCase());

  const revoke = () =>
    run('Revoking the key (an owner user operation)', async () => {
      await connection.client.removeSessionKey({ key: address });
      forgetLocalSessionKey(address);
      onChanged();
      return `Revoked ${address}.`;
    });

  const description = describeKeyPermissions(sessionKey.permissions, { tokens: tokensByAddress(tokens), formatTimestamp });

  return (
    <article className="key-card" data-testid={`session-key-${address}`} aria-label={`Session key ${label}`}>
      <header>
        <h3>{label}</h3>
        <span className="mono">{address}</span>
        {hasLocalSessionKey(address) && <span className="badge">key held by this browser</span>}
        {fromDemo && <span className="badge">granted by the npm start demo: the Demo app page can use it</span>}
      </header>
      <p className="validity" data-testid="validity">
        <Validity validFrom={sessionKey.timeRange.validFrom} validUntil={sessionKey.timeRange.validUntil} now={now} />
      </p>

      <h4>Budgets</h4>
      <ul className="budgets" data-testid="budgets">
        {sessionKey.spending.erc20.map(({ tokenAddress, status }) => (
          <Budget key={tokenAddress} name={tokenOf(tokenAddress)?.symbol ?? tokenAddress} status={status} unit={tokenOf(tokenAddress) ?? { symbol: 'base units', decimals: 0 }} now={now} />
        ))}
        <Budget name="ETH sent" status={sessionKey.spending.nativeToken} unit={ether} now={now} />
        <Budget name="Gas" status={sessionKey.spending.gas} unit={ether} now={now} />
        <Budget name="Calls" status={sessionKey.spending.calls} unit={calls} now={now} />
      </ul>

      <h4>May do</h4>
      <ul className="permissions" data-testid="permissions">
        {description.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>

      {mode === 'view' && (
        <div className="buttons">
          <button type="button" disabled={busy} onClick={() => setMode('rotate')}>
            Rotate
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => setMode('confirm-revoke')}>
            Revoke
          </button>
        </div>
      )}
      {mode === 'confirm-revoke' && (
        <div className="confirm">
          <p>Revoke this key? It stops working at once, for good.</p>
          <div className="buttons">
            <button type="button" className="danger" disabled={busy} onClick={() => void revoke().then(() => setMode('view'))}>
              Yes, revoke {label}
            </button>
            <button type="button" disabled={busy} onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {mode === 'rotate' && (
        <RotateForm connection={connection} sessionKey={sessionKey} busy={busy} run={run} onDone={onChanged} onCancel={() => setMode('view')} />
      )}
    </article>
  );
}

function Validity({ validFrom, validUntil, now }: { validFrom: number | undefined; validUntil: number | undefined; now: number }) {
  if (validFrom !== undefined && now < validFrom)
    return <>Not valid yet: starts in {formatDuration(validFrom - now)} ({formatTimestamp(validFrom)})</>;
  if (validUntil === undefined) return <>Active, with no expiry</>;
  if (now > validUntil) return <strong>Expired {formatDuration(now - validUntil)} ago ({formatTimestamp(validUntil)})</strong>;
  return <>Expires in {formatDuration(validUntil - now)} ({formatTimestamp(validUntil)})</>;
}

function Budget({ name, status, unit, now }: { name: string; status: SpendLimitStatus | 'unlimited'; unit: DisplayUnit; now: number }) {
  if (status === 'unlimited') return <li><span className="budget-name">{name}</span> no limit</li>;
  if (status.limit === 0n) return <li><span className="budget-name">{name}</span> not allowed</li>;
  // A refreshing budget whose period ended since the last read is whole again; the next read confirms it.
  const refreshed = status.nextRefresh !== undefined && now >= status.nextRefresh;
  const remaining = refreshed ? status.limit : status.remaining;
  const used = refreshed ? 0n : status.used;
  return (
    <li>
      <span className="budget-name">{name}</span>
      <span>
        {formatAmount(remaining, unit)} left of {formatAmount(status.limit, unit)} {formatRefreshInterval(status.refreshInterval)}
      </span>
      <meter min={0} max={Number(status.limit)} value={Number(remaining)} aria-label={`${name} left`} />
      <span className="hint">
        used {formatAmount(used, unit)}
        {status.nextRefresh !== undefined && !refreshed && <> · refreshes in {formatDuration(status.nextRefresh - now)}</>}
      </span>
    </li>
  );
}

type RotateFormProps = {
  connection: OwnerConnection;
  sessionKey: SessionKeyState;
  busy: boolean;
  run: RunAction;
  onDone: () => void;
  onCancel: () => void;
};

/** Replaces the key by a new one that keeps its permissions and what it has spent. */
function RotateForm({ connection, sessionKey, busy, run, onDone, onCancel }: RotateFormProps) {
  const [source, setSource] = useState<'generate' | 'address'>('generate');
  const [pasted, setPasted] = useState('');
  const oldKey = sessionKey.sessionKey;
  const account = connection.client.account.address;

  const rotate = () =>
    run('Rotating the key (an owner user operation)', async () => {
      if (source === 'address' && !isAddress(pasted)) throw new Error(`"${pasted}" is not an address.`);
      const generated = source === 'generate' ? createLocalSessionKey(account, sessionKey.tagText ?? '') : undefined;
      const newKey = generated?.address ?? (pasted as Address);
      try {
        await connection.client.rotateSessionKey({ oldKey, newKey });
      } catch (error) {
        if (generated) forgetLocalSessionKey(generated.address);
        throw error;
      }
      forgetLocalSessionKey(oldKey);
      onDone();
      return `Rotated: ${newKey} replaces ${oldKey}, with the same permissions and budgets.`;
    });

  return (
    <fieldset className="rotate">
      <legend>Rotate to a new key (it keeps the permissions and what was spent)</legend>
      <label>
        <input type="radio" name={`rotate-source-${oldKey}`} checked={source === 'generate'} onChange={() => setSource('generate')} /> Generate a new key
        in this browser
      </label>
      <label>
        <input type="radio" name={`rotate-source-${oldKey}`} checked={source === 'address'} onChange={() => setSource('address')} /> Use this address:
        <input type="text" className="mono" placeholder="0x…" value={pasted} disabled={source !== 'address'} onChange={(e) => setPasted(e.target.value.trim())} aria-label="New key address" />
      </label>
      <div className="buttons">
        <button type="button" disabled={busy} onClick={() => void rotate()}>
          Rotate key
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
