import { useEffect, useState } from 'react';
import { type Address, getAddress, isAddress } from 'viem';
import type { SessionManagerConfig } from '../config.js';
import { type OwnerConnection, connectWithDevKey, connectWithWallet } from '../connection.js';
import { useAction } from '../hooks.js';
import { ActionStatus } from './ActionStatus.js';

const rememberedOwnerKey = 'leash:web:owner';
const rememberedAccountKey = 'leash:web:account';
type OwnerKind = OwnerConnection['kind'];

/** Remembers how the owner connected, so a reload reconnects without asking (a wallet only if it already allowed us). */
export function forgetOwnerChoice(): void {
  localStorage.removeItem(rememberedOwnerKey);
  localStorage.removeItem(rememberedAccountKey);
}

/** The account field: empty for the owner's own Leash account, else an address. */
function parseAccountField(text: string): Address | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (!isAddress(value, { strict: false })) throw new Error(`"${value}" is not an account address (0x and 40 hex digits).`);
  return getAddress(value);
}

/** Lets the user act as the account's owner: with the server's development key or with a browser wallet. */
export function ConnectPanel({ config, onConnected }: { config: SessionManagerConfig; onConnected: (connection: OwnerConnection) => void }) {
  const action = useAction();
  const [hasWallet] = useState(() => window.ethereum !== undefined);
  const [accountField, setAccountField] = useState(() => localStorage.getItem(rememberedAccountKey) ?? '');

  const connect = (kind: OwnerKind, prompt: boolean, accountText = accountField) =>
    action.run(kind === 'dev-key' ? 'Connecting with the development owner key' : 'Connecting to the browser wallet', async () => {
      const account = parseAccountField(accountText);
      const connection = kind === 'dev-key' ? await connectWithDevKey(config, account) : await connectWithWallet(config, { prompt, account });
      localStorage.setItem(rememberedOwnerKey, kind);
      if (account) localStorage.setItem(rememberedAccountKey, account);
      else localStorage.removeItem(rememberedAccountKey);
      onConnected(connection);
      return 'Connected.';
    });

  useEffect(() => {
    const remembered = localStorage.getItem(rememberedOwnerKey) as OwnerKind | null;
    if (remembered === 'dev-key' && config.devOwnerKey) void connect('dev-key', false);
    if (remembered === 'wallet' && hasWallet) void connect('wallet', false);
    // Once, on first render.
  }, []);

  return (
    <section className="panel" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect as the account's owner</h2>
      <p>
        Only the owner of a smart account can grant, rotate and revoke its session keys. Each change is one user
        operation signed by the owner.
      </p>
      <label className="field">
        <span>Account (optional)</span>
        <input
          type="text"
          className="mono"
          value={accountField}
          onChange={(event) => setAccountField(event.target.value)}
          placeholder="0x… (empty: the owner's own Leash account)"
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <p className="hint">
        An account you already have: a Leash, Kernel, Nexus, Safe + Safe7579 or ERC-7579 reference (MSA) account, or an
        EOA delegated with EIP-7702 to Leash. The page finds its kind and checks that the key you connect with owns it.
      </p>
      <div className="buttons">
        {config.devOwnerKey && (
          <button type="button" disabled={action.busy} onClick={() => void connect('dev-key', true)}>
            Use the development owner key
          </button>
        )}
        <button type="button" disabled={action.busy || !hasWallet} onClick={() => void connect('wallet', true)}>
          Connect browser wallet
        </button>
      </div>
      {!hasWallet && <p className="hint">No browser wallet was found in this browser.</p>}
      {config.devOwnerKey && (
        <p className="hint">
          The development owner key comes from the local stack: it is public, for local testing only.
        </p>
      )}
      <ActionStatus state={action.state} />
    </section>
  );
}
