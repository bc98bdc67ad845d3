import { useState } from 'react';
import { loadAccountSnapshot } from '../accountSnapshot.js';
import type { SessionManagerConfig } from '../config.js';
import type { OwnerConnection } from '../connection.js';
import { useAction, usePolling } from '../hooks.js';
import { AccountPanel } from './AccountPanel.js';
import { AddKeyForm } from './AddKeyForm.js';
import { ConnectPanel, forgetOwnerChoice } from './ConnectPanel.js';
import { GrantList } from './GrantList.js';
import { SessionKeyList } from './SessionKeyList.js';

/** The session manager: connect as the owner, then see, add, rotate and revoke the account's session keys. */
export function ManagerPage({ config }: { config: SessionManagerConfig }) {
  const [connection, setConnection] = useState<OwnerConnection>();
  if (!connection) return <ConnectPanel config={config} onConnected={setConnection} />;
  return (
    <ConnectedManager
      config={config}
      connection={connection}
      onDisconnect={() => {
        forgetOwnerChoice();
        setConnection(undefined);
      }}
    />
  );
}

function ConnectedManager({ config, connection, onDisconnect }: { config: SessionManagerConfig; connection: OwnerConnection; onDisconnect: () => void }) {
  const snapshot = usePolling(() => loadAccountSnapshot(connection, config), [connection, config]);
  // One owner action at a time for the whole page (each is an owner user operation); its outcome shows in the panel
  // it was started from, and the next action's outcome replaces it.
  const action = useAction();
  return (
    <>
      <div className="connected">
        Acting as the owner <span className="mono">{connection.owner}</span>{' '}
        <button type="button" className="link" onClick={onDisconnect}>
          Disconnect
        </button>
      </div>
      <AccountPanel config={config} connection={connection} snapshot={snapshot.data} action={action.at('account')} onChanged={snapshot.refresh} />
      <SessionKeyList connection={connection} snapshot={snapshot.data} loadError={snapshot.data ? undefined : snapshot.error} demoKey={config.demoSessionKey?.address} action={action.at('keys')} onChanged={snapshot.refresh} />
      <AddKeyForm config={config} connection={connection} moduleInstalled={snapshot.data?.moduleInstalled ?? false} action={action.at('add')} onChanged={snapshot.refresh} />
      <GrantList connection={connection} action={action.at('grants')} />
    </>
  );
}
