import { useState } from 'react';
import type { Address } from 'viem';
import type { AccountSnapshot } from '../accountSnapshot.js';
import type { OwnerConnection } from '../connection.js';
import { type PlacedAction, useNow } from '../hooks.js';
import { forgetLocalSessionKeysOf } from '../localKeys.js';
import { ActionStatus } from './ActionStatus.js';
import { SessionKeyCard } from './SessionKeyCard.js';

type Props = {
  connection: OwnerConnection;
  snapshot: AccountSnapshot | undefined;
  loadError: unknown;
  /** The key the CLI's demo granted, if the server offers it. */
  demoKey: Address | undefined;
  /** The manager page's owner action, shown here when run here (it outlives a key's card when the key goes away). */
  action: PlacedAction;
  onChanged: () => void;
};

/** The account's session keys, re-read every few seconds, with revoke-all. */
export function SessionKeyList({ connection, snapshot, loadError, demoKey, action, onChanged }: Props) {
  const now = useNow();
  const [confirmingRevokeAll, setConfirmingRevokeAll] = useState(false);
  const account = connection.client.account.address;

  const revokeAll = () =>
    action.run('Revoking every session key (an owner user operation)', async () => {
      await connection.client.revokeAllSessionKeys();
      forgetLocalSessionKeysOf(account);
      setConfirmingRevokeAll(false);
      onChanged();
      return 'Every session key of the account is revoked.';
    });

  const keys = snapshot?.keys ?? [];
  return (
    <section className="panel" aria-labelledby="keys-title">
      <div className="panel-title">
        <h2 id="keys-title">Session keys</h2>
        {keys.length > 0 && !confirmingRevokeAll && (
          <button type="button" className="danger" disabled={action.busy} onClick={() => setConfirmingRevokeAll(true)}>
            Revoke all keys
          </button>
        )}
      </div>
      {confirmingRevokeAll && (
        <div className="confirm">
          <p>Revoke all {keys.length} session keys of this account? Each stops working at once.</p>
          <div className="buttons">
            <button type="button" className="danger" disabled={action.busy} onClick={() => void revokeAll()}>
              Yes, revoke all keys
            </button>
            <button type="button" disabled={action.busy} onClick={() => setConfirmingRevokeAll(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ActionStatus state={action.state} place={action.place} />
      {loadError !== undefined && (
        <p className="status failed" role="alert">
          Could not read the account: {loadError instanceof Error ? loadError.message.split('\n')[0] : String(loadError)}
        </p>
      )}
      {!snapshot && loadError === undefined && <p>Loading…</p>}
      {snapshot && !snapshot.moduleInstalled && <p>The session key module is not installed on this account yet.</p>}
      {snapshot?.moduleInstalled && keys.length === 0 && <p data-testid="no-keys">This account has no session keys.</p>}
      <div className="key-list">
        {keys.map((sessionKey) => (
          <SessionKeyCard
            key={sessionKey.sessionKey}
            connection={connection}
            sessionKey={sessionKey}
            tokens={snapshot?.tokens ?? []}
            now={now}
            fromDemo={demoKey !== undefined && demoKey.toLowerCase() === sessionKey.sessionKey.toLowerCase()}
            run={action.run}
            busy={action.busy}
            onChanged={onChanged}
          />
        ))}
      </div>
    </section>
  );
}
