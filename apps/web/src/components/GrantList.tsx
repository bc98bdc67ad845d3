import type { SessionKeyGrantStatus } from '@leash/sdk';
import type { OwnerConnection } from '../connection.js';
import { formatTimestamp, shortHex } from '../format.js';
import { type PlacedAction, usePolling, useStorageVersion } from '../hooks.js';
import { forgetLocalGrant, listLocalGrants, localGrantsChangedEvent } from '../localGrants.js';
import { ActionStatus } from './ActionStatus.js';

const statusText: Record<SessionKeyGrantStatus, string> = {
  usable: 'not used yet: the key\'s first operation enables it',
  used: 'used',
  cancelled: 'cancelled',
  revoked: 'revoked (every key was revoked since it was signed)',
  expired: 'expired',
};

/**
 * The grants this browser issued for the account and not yet used, with their status on this chain (read through the
 * SDK every few seconds); a grant once used leaves the list. Cancel one with an owner operation.
 */
export function GrantList({ connection, action }: { connection: OwnerConnection; action: PlacedAction }) {
  const account = connection.client.account.address;
  const version = useStorageVersion(localGrantsChangedEvent);
  const statuses = usePolling(async () => {
    const grants = listLocalGrants(account);
    const read = await Promise.all(
      grants.map(async (local) => ({ local, status: (await connection.client.getSessionKeyGrantStatus({ grant: local.grant }).catch(() => undefined))?.status })),
    );
    // A used grant has done its work: this browser forgets it.
    for (const { local, status } of read) if (status === 'used') forgetLocalGrant(local.json);
    return read.filter(({ status }) => status !== 'used');
  }, [connection, version]);

  const grants = statuses.data ?? [];
  if (grants.length === 0 && action.state.status === 'idle') return null;
  return (
    <section className="panel" aria-labelledby="grants-title">
      <h2 id="grants-title">Grants issued from this browser</h2>
      <ActionStatus state={action.state} place={action.place} />
      {grants.length === 0 ? (
        <p className="hint">No unused grants.</p>
      ) : (
        <ul className="grant-list" data-testid="grant-list">
          {grants.map(({ local, status }) => (
            <li key={local.json} data-testid="grant">
              <span className="mono">{shortHex(local.grant.sessionKey)}</span> {local.tag && <>“{local.tag}” </>}· nonce {local.grant.nonce.toString()} · chains{' '}
              {local.grant.chains.map((c) => c.chainId).join(', ')}
              {local.grant.validUntil ? <> · use by {formatTimestamp(local.grant.validUntil)}</> : null} ·{' '}
              <strong data-testid="grant-status">{status ? statusText[status] : 'status unknown'}</strong>{' '}
              {status === 'usable' ? (
                <button
                  type="button"
                  className="danger"
                  disabled={action.busy}
                  onClick={() =>
                    void action.run('Cancelling the grant (an owner user operation)', async () => {
                      await connection.client.cancelSessionKeyGrant({ grant: local.grant });
                      statuses.refresh();
                      return `Cancelled the grant of ${local.grant.sessionKey} on this chain.`;
                    })
                  }
                >
                  Cancel grant
                </button>
              ) : (
                <button type="button" className="link" onClick={() => forgetLocalGrant(local.json)}>
                  Forget
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
