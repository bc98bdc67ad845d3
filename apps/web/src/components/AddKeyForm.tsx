import { type FormEvent, useId, useState } from 'react';
import { type Address, getAddress, isAddress } from 'viem';
import {
  InvalidInputError,
  type PermissionWarning,
  SessionKeyAccessListType,
  SessionKeyPermissionsBuilder,
  parseAmount as parseAmountIn,
  parseCallTarget,
  permissionWarnings,
} from '@leash/sdk';
import type { SessionManagerConfig } from '../config.js';
import type { OwnerConnection } from '../connection.js';
import { ether, nowInSeconds } from '../format.js';
import type { PlacedAction } from '../hooks.js';
import { createLocalSessionKey, forgetLocalSessionKey } from '../localKeys.js';
import { type LocalGrant, saveLocalGrant } from '../localGrants.js';
import { IssuedGrant } from './IssuedGrant.js';
import { loadTokenInfo } from '../tokens.js';
import { ActionStatus } from './ActionStatus.js';

const periods = [
  ['0', 'in total'],
  ['60', 'per minute'],
  ['3600', 'per hour'],
  ['86400', 'per day'],
  ['604800', 'per week'],
  ['2592000', 'per month (30 days)'],
] as const;

const validities = [
  ['900', 'for 15 minutes'],
  ['3600', 'for 1 hour'],
  ['86400', 'for 1 day'],
  ['604800', 'for 1 week'],
  ['2592000', 'for 30 days'],
  ['until', 'until a date…'],
] as const;

type Limit = { noLimit: boolean; amount: string; period: string };

const grantDeadlines = [
  ['0', 'no deadline'],
  ['3600', 'within 1 hour'],
  ['86400', 'within 1 day'],
  ['604800', 'within 1 week'],
] as const;

type Form = {
  /** Add the key now with an owner op, or issue a grant: the owner signs, and the key's first op enables it. */
  mode: 'add' | 'grant';
  /** Other chains the grant holds on (ids, comma-separated). */
  otherChains: string;
  /** Seconds from now the grant must be used within (0: no deadline). */
  grantDeadline: string;
  label: string;
  keySource: 'generate' | 'address';
  pastedKey: string;
  allowlist: string;
  erc20Enabled: boolean;
  erc20Token: string;
  erc20: Limit;
  native: Limit;
  gas: Limit;
  /** How many calls the key's ops may make; `amount` is the count. */
  calls: Limit;
  validity: string;
  validUntil: string;
};

/** Reads a form field with one of the SDK's parsers; its refusal names the field. */
function field<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new Error(`${what}: ${error.shortMessage}`);
    throw error;
  }
}

const parseAmount = (value: string, decimals: number, what: string) => field(what, () => parseAmountIn(value, { symbol: what, decimals }));

/** `address` (any function) or `address:function(signature)` (the SDK's parseCallTarget), one per line; lines for one contract combine. */
function parseAllowlist(text: string): { contract: Address; anyFunction: boolean; functions: string[] }[] {
  const contracts = new Map<string, { contract: Address; anyFunction: boolean; functions: string[] }>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const target = field(`Allowed contracts, line ${index + 1}`, () => parseCallTarget(line));
    const entry = contracts.get(target.contract) ?? { contract: target.contract, anyFunction: false, functions: [] };
    if (target.function === undefined) entry.anyFunction = true;
    else entry.functions.push(target.function.selector);
    contracts.set(target.contract, entry);
  });
  return [...contracts.values()];
}

/** The call count as a whole number (the SDK refuses counts the module cannot store). */
function parseCallCount(value: string): number {
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw new Error(`Calls: "${value}" is not a whole number of calls.`);
  return Number(text);
}

function validUntilOf(form: Form): number {
  if (form.validity !== 'until') return nowInSeconds() + Number(form.validity);
  const time = new Date(form.validUntil).getTime();
  if (Number.isNaN(time)) throw new Error('Choose the date and time the key stops working.');
  const seconds = Math.floor(time / 1000);
  if (seconds <= nowInSeconds()) throw new Error('The end of validity must be in the future.');
  return seconds;
}

/** The permission updates the form describes: an allowlist, limits, and an end of validity. */
async function permissionsOf(form: Form, connection: OwnerConnection): Promise<SessionKeyPermissionsBuilder> {
  const builder = new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST);
  for (const { contract, anyFunction, functions } of parseAllowlist(form.allowlist)) {
    builder.addContractAddressAccessEntry({ contractAddress: contract, isOnList: true, checkSelectors: !anyFunction });
    if (!anyFunction) for (const signature of functions) builder.addContractFunctionAccessEntry({ contractAddress: contract, methodSelector: signature, isOnList: true });
  }
  if (form.erc20Enabled) {
    if (!isAddress(form.erc20Token.trim(), { strict: false })) throw new Error(`Token limit: "${form.erc20Token}" is not a token address.`);
    const token = await loadTokenInfo(connection.publicClient, form.erc20Token.trim() as Address);
    builder.addErc20TokenSpendLimit({
      tokenAddress: token.address,
      spendLimit: parseAmount(form.erc20.amount, token.decimals, `${token.symbol} limit`),
      refreshInterval: Number(form.erc20.period),
    });
  }
  if (form.native.noLimit) builder.removeNativeTokenSpendLimit();
  else builder.setNativeTokenSpendLimit({ spendLimit: parseAmount(form.native.amount, ether.decimals, 'ETH limit'), refreshInterval: Number(form.native.period) });
  if (form.gas.noLimit) builder.removeGasSpendLimit();
  else builder.setGasSpendLimit({ spendLimit: parseAmount(form.gas.amount, ether.decimals, 'Gas limit'), refreshInterval: Number(form.gas.period) });
  // A new key has no call limit: send one only when the form sets it.
  if (!form.calls.noLimit) builder.setCallLimit({ callLimit: parseCallCount(form.calls.amount), refreshInterval: Number(form.calls.period) });
  builder.setTimeRange({ validUntil: validUntilOf(form) });
  return builder;
}

/** The SDK's gas warning for the form's gas limit (the form never requires a paymaster); none while it does not parse. */
function gasWarnings(gas: Limit): PermissionWarning[] {
  if (gas.noLimit) return [];
  try {
    return permissionWarnings({ gasSpendLimit: { spendLimit: parseAmountIn(gas.amount, ether), refreshInterval: Number(gas.period) } });
  } catch {
    return [];
  }
}

/** `8453, 10` → [8453, 10]: the other chains a grant holds on. */
function parseOtherChains(text: string, ownChain: number): number[] {
  const ids = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      if (!/^[1-9][0-9]*$/.test(part) || !Number.isSafeInteger(Number(part))) throw new Error(`Other chains: "${part}" is not a chain id.`);
      return Number(part);
    });
  if (new Set([ownChain, ...ids]).size !== ids.length + 1) throw new Error('Other chains: name each chain once (this chain is always included).');
  return ids;
}

type Props = { config: SessionManagerConfig; connection: OwnerConnection; moduleInstalled: boolean; action: PlacedAction; onChanged: () => void };

/** Grants a new session key: generated in this browser (kept in localStorage) or given by address. */
export function AddKeyForm({ config, connection, moduleInstalled, action, onChanged }: Props) {
  const devToken = config.contracts.devToken;
  const [issued, setIssued] = useState<LocalGrant>();
  const [form, setForm] = useState<Form>({
    mode: 'add',
    otherChains: '',
    grantDeadline: '0',
    label: 'tip-jar',
    keySource: 'generate',
    pastedKey: '',
    allowlist: devToken ? `${devToken}:transfer(address,uint256)` : '',
    erc20Enabled: devToken !== undefined,
    erc20Token: devToken ?? '',
    erc20: { noLimit: false, amount: '10', period: '86400' },
    native: { noLimit: false, amount: '0', period: '0' },
    gas: { noLimit: false, amount: '0.05', period: '86400' },
    calls: { noLimit: true, amount: '20', period: '86400' },
    validity: '3600',
    validUntil: '',
  });
  const update = (patch: Partial<Form>) => setForm((current) => ({ ...current, ...patch }));
  const account = connection.client.account.address;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setIssued(undefined);
    if (form.mode === 'grant') return void issueGrant();
    void action.run('Adding the session key (an owner user operation)', async () => {
      const permissions = await permissionsOf(form, connection);
      if (form.keySource === 'address' && !isAddress(form.pastedKey.trim(), { strict: false }))
        throw new Error(`"${form.pastedKey}" is not an address.`);
      const generated = form.keySource === 'generate' ? createLocalSessionKey(account, form.label) : undefined;
      const key = generated?.address ?? getAddress(form.pastedKey.trim());
      try {
        await connection.client.addSessionKey({ key, tag: form.label, permissions: permissions.encode() });
      } catch (error) {
        if (generated) forgetLocalSessionKey(generated.address);
        throw error;
      }
      onChanged();
      return generated
        ? `Added ${key}. Its private key stays in this browser: the demo app can use it.`
        : `Added ${key}.`;
    });
  };

  const issueGrant = () =>
    action.run('Signing a grant of the session key (no transaction)', async () => {
      const permissions = await permissionsOf(form, connection);
      if (form.keySource === 'address' && !isAddress(form.pastedKey.trim(), { strict: false }))
        throw new Error(`"${form.pastedKey}" is not an address.`);
      const chainId = connection.client.chain.id;
      const otherChains = parseOtherChains(form.otherChains, chainId);
      const generated = form.keySource === 'generate' ? createLocalSessionKey(account, form.label) : undefined;
      const key = generated?.address ?? getAddress(form.pastedKey.trim());
      let grant;
      try {
        grant = await connection.client.signSessionKeyGrant({
          sessionKey: key,
          tag: form.label,
          permissions: permissions.encode(),
          chains: [{ chainId, client: connection.publicClient }, ...otherChains.map((id) => ({ chainId: id }))],
          validUntil: form.grantDeadline === '0' ? 0 : nowInSeconds() + Number(form.grantDeadline),
        });
      } catch (error) {
        if (generated) forgetLocalSessionKey(generated.address);
        throw error;
      }
      setIssued(saveLocalGrant(grant, form.label));
      return `Signed a grant of ${key}: no transaction was sent. Its first op enables the key${otherChains.length ? ` on each of the ${otherChains.length + 1} chains` : ''}.`;
    });

  return (
    <section className="panel" aria-labelledby="add-title">
      <h2 id="add-title">Add a session key</h2>
      {!moduleInstalled && <p className="hint">Install the session key module first (see Account).</p>}
      <form onSubmit={submit} className="add-key">
        <fieldset>
          <legend>How</legend>
          <label>
            <input type="radio" name="add-mode" checked={form.mode === 'add'} onChange={() => update({ mode: 'add' })} /> Add it now (an owner user
            operation)
          </label>
          <label>
            <input type="radio" name="add-mode" checked={form.mode === 'grant'} onChange={() => update({ mode: 'grant' })} /> Issue a grant: sign only,
            no transaction; the key's first operation enables it
          </label>
          {form.mode === 'grant' && (
            <>
              <label>
                Also on chains
                <input type="text" className="mono" placeholder="e.g. 8453, 10" value={form.otherChains} onChange={(e) => update({ otherChains: e.target.value })} />
                <span className="hint">Chain ids, comma-separated: one signature holds on each (same addresses everywhere). This chain is always included.</span>
              </label>
              <div className="field">
                <label htmlFor="grant-deadline">Use the grant</label>
                <select id="grant-deadline" value={form.grantDeadline} onChange={(e) => update({ grantDeadline: e.target.value })}>
                  {grantDeadlines.map(([value, text]) => (
                    <option key={value} value={value}>
                      {text}
                    </option>
                  ))}
                </select>
              </div>
            </>
          )}
        </fieldset>

        <label>
          Label
          <input type="text" value={form.label} maxLength={31} onChange={(e) => update({ label: e.target.value })} />
        </label>

        <fieldset>
          <legend>Key</legend>
          <label>
            <input type="radio" name="key-source" checked={form.keySource === 'generate'} onChange={() => update({ keySource: 'generate' })} /> Generate a
            new key in this browser (kept in localStorage)
          </label>
          <label>
            <input type="radio" name="key-source" checked={form.keySource === 'address'} onChange={() => update({ keySource: 'address' })} /> Use a key
            held elsewhere, by its address
          </label>
          {form.keySource === 'address' && (
            <label>
              Session key address
              <input type="text" className="mono" placeholder="0x…" value={form.pastedKey} onChange={(e) => update({ pastedKey: e.target.value })} />
            </label>
          )}
        </fieldset>

        <label>
          Allowed contracts and functions
          <textarea
            className="mono"
            rows={3}
            value={form.allowlist}
            onChange={(e) => update({ allowlist: e.target.value })}
            placeholder="0x… (any function) or 0x…:transfer(address,uint256), one per line"
          />
          <span className="hint">One per line: an address (any of its functions) or address:function(argument types). Nothing else may be called.</span>
        </label>

        <fieldset>
          <legend>Token limit</legend>
          <label>
            <input type="checkbox" checked={form.erc20Enabled} onChange={(e) => update({ erc20Enabled: e.target.checked })} /> Limit an ERC-20 token
            (then only transfer and approve may be called on it)
          </label>
          {form.erc20Enabled && (
            <>
              <label>
                Token address
                <input type="text" className="mono" value={form.erc20Token} onChange={(e) => update({ erc20Token: e.target.value })} />
              </label>
              <LimitInputs name="Token amount" limit={form.erc20} unit="in token units" allowNoLimit={false} onChange={(erc20) => update({ erc20 })} />
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>ETH the key may send</legend>
          <LimitInputs name="ETH amount" limit={form.native} unit="ETH; 0 means none" allowNoLimit onChange={(native) => update({ native })} />
        </fieldset>

        <fieldset>
          <legend>Gas the account may pay for the key</legend>
          <LimitInputs name="Gas amount" limit={form.gas} unit="ETH" allowNoLimit onChange={(gas) => update({ gas })} />
          {gasWarnings(form.gas).map((warning) => (
            <p key={warning.code} className="warning" role="status">
              {warning.message} Set a gas amount above 0, or “no limit”.
            </p>
          ))}
        </fieldset>

        <fieldset>
          <legend>Calls the key may make</legend>
          <LimitInputs name="Number of calls" limit={form.calls} unit="each call of a batch counts" allowNoLimit inputMode="numeric" onChange={(calls) => update({ calls })} />
        </fieldset>

        <fieldset>
          <legend>Validity</legend>
          <div className="field">
            <label htmlFor="validity">Valid</label>
            <select id="validity" value={form.validity} onChange={(e) => update({ validity: e.target.value })}>
              {validities.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </div>
          {form.validity === 'until' && (
            <label>
              Valid until
              <input type="datetime-local" value={form.validUntil} onChange={(e) => update({ validUntil: e.target.value })} />
            </label>
          )}
        </fieldset>

        <button type="submit" disabled={action.busy || !moduleInstalled}>
          {form.mode === 'grant' ? 'Sign the grant' : 'Add session key'}
        </button>
      </form>
      <ActionStatus state={action.state} place={action.place} />
      {issued && <IssuedGrant issued={issued} />}
    </section>
  );
}

type LimitInputsProps = {
  name: string;
  limit: Limit;
  unit: string;
  allowNoLimit: boolean;
  inputMode?: 'decimal' | 'numeric';
  onChange: (limit: Limit) => void;
};

function LimitInputs({ name, limit, unit, allowNoLimit, inputMode = 'decimal', onChange }: LimitInputsProps) {
  const periodId = useId();
  return (
    <div className="limit">
      <label>
        {name}
        <input type="text" inputMode={inputMode} value={limit.amount} disabled={limit.noLimit} onChange={(e) => onChange({ ...limit, amount: e.target.value })} />
        <span className="hint">{unit}</span>
      </label>
      <div className="field">
        <label htmlFor={periodId}>{name.replace(/ amount$/, '').replace(/^Number of calls$/, 'Calls')} period</label>
        <select id={periodId} value={limit.period} disabled={limit.noLimit} onChange={(e) => onChange({ ...limit, period: e.target.value })}>
          {periods.map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
      {allowNoLimit && (
        <label>
          <input type="checkbox" checked={limit.noLimit} onChange={(e) => onChange({ ...limit, noLimit: e.target.checked })} /> No limit
        </label>
      )}
    </div>
  );
}
