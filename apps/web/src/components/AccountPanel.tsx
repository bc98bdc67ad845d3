import type { AccountSnapshot } from '../accountSnapshot.js';
import type { SessionManagerConfig } from '../config.js';
import { type OwnerConnection, fundFromDevFaucet } from '../connection.js';
import { ether, formatAmount } from '../format.js';
import type { PlacedAction } from '../hooks.js';
import { ActionStatus } from './ActionStatus.js';

type Props = {
  config: SessionManagerConfig;
  connection: OwnerConnection;
  snapshot: AccountSnapshot | undefined;
  /** The manager page's owner action, shown here when run here. */
  action: PlacedAction;
  onChanged: () => void;
};

/** The smart account: address, balances, whether the session key module is installed; funding and installing. */
export function AccountPanel({ config, connection, snapshot, action, onChanged }: Props) {
  const account = connection.client.account.address;

  const fund = () =>
    action.run('Funding the account from the development faucet', async () => {
      await fundFromDevFaucet(config, account);
      onChanged();
      return config.contracts.devToken ? 'The account received 1 ETH and 1,000 dUSD.' : 'The account received 1 ETH.';
    });
  const install = () =>
    action.run('Installing the session key module (an owner user operation)', async () => {
      await connection.client.installSessionKeyModule();
      onChanged();
      return 'The session key module is installed.';
    });

  return (
    <section className="panel" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <dl className="facts">
        <dt>Smart account</dt>
        <dd className="mono" data-testid="account-address">{account}</dd>
        <dt>Owner</dt>
        <dd>
          <span className="mono">{connection.owner}</span>{' '}
          <span className="badge">{connection.kind === 'dev-key' ? 'development key' : 'browser wallet'}</span>
        </dd>
        <dt>Status</dt>
        <dd>{snapshot ? (snapshot.deployed ? 'Deployed' : 'Not deployed yet (its first user operation deploys it)') : 'Loading…'}</dd>
        <dt>Balance</dt>
        <dd data-testid="account-balance">
          {snapshot
            ? [formatAmount(snapshot.ethBalance, ether), snapshot.devToken && formatAmount(snapshot.devToken.balance, snapshot.devToken.info)]
                .filter(Boolean)
                .join(' · ')
            : 'Loading…'}
        </dd>
        <dt>Session key module</dt>
        <dd data-testid="module-status">{snapshot ? (snapshot.moduleInstalled ? 'Installed' : 'Not installed') : 'Loading…'}</dd>
      </dl>
      <div className="buttons">
        {config.devFaucetKey && (
          <button type="button" disabled={action.busy} onClick={() => void fund()}>
            Get 1 ETH{config.contracts.devToken ? ' and 1,000 dUSD' : ''} from the dev faucet
          </button>
        )}
        {snapshot && !snapshot.moduleInstalled && (
          <button type="button" disabled={action.busy} onClick={() => void install()}>
            Install the session key module
          </button>
        )}
      </div>
      {snapshot && snapshot.ethBalance === 0n && (
        <p className="hint">The account pays for its user operations: it needs some ETH first.</p>
      )}
      <ActionStatus state={action.state} place={action.place} />
    </section>
  );
}
