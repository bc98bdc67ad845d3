import { type Address, getAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { SessionKeySigner } from '@leash/sdk';

/** A session key whose private key this browser holds (in localStorage), and the account it was made for. */
export type LocalSessionKey = { address: Address; account: Address; tag: string; createdAt: number };

const indexStorageKey = 'leash:web:session-keys';
const privateKeyStorageKey = (address: Address) => `leash:web:session-key:${address.toLowerCase()}`;

function readIndex(): LocalSessionKey[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(indexStorageKey) ?? '[]');
    return Array.isArray(parsed) ? (parsed as LocalSessionKey[]) : [];
  } catch {
    return [];
  }
}

function writeIndex(keys: LocalSessionKey[]): void {
  localStorage.setItem(indexStorageKey, JSON.stringify(keys));
  // Other components (and tabs, through the storage event) re-read the list.
  window.dispatchEvent(new Event('leash:local-keys'));
}

/** The session keys held by this browser, newest first; only those of `account` when given. */
export function listLocalSessionKeys(account?: Address): LocalSessionKey[] {
  return readIndex()
    .filter((key) => localStorage.getItem(privateKeyStorageKey(key.address)) !== null)
    .filter((key) => !account || key.account.toLowerCase() === account.toLowerCase())
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Whether this browser holds the private key of `address`. */
export function hasLocalSessionKey(address: Address): boolean {
  return localStorage.getItem(privateKeyStorageKey(address)) !== null;
}

/** Generates a session key and keeps it in localStorage. Only its address is shown; the private key stays here. */
export function createLocalSessionKey(account: Address, tag: string): LocalSessionKey {
  const privateKey = generatePrivateKey();
  // The address names the storage slot, so one browser can hold several keys.
  const address = privateKeyToAccount(privateKey).address;
  const signer = new SessionKeySigner({ privateKey, storageType: 'local-storage', storageKey: privateKeyStorageKey(address) });
  const key: LocalSessionKey = { address: signer.address, account: getAddress(account), tag, createdAt: Date.now() };
  writeIndex([...readIndex().filter((k) => k.address !== key.address), key]);
  return key;
}

/** The signer of a key this browser holds, or undefined. (Never creates one: the signer would generate a key.) */
export function loadLocalSessionKeySigner(address: Address): SessionKeySigner | undefined {
  if (!hasLocalSessionKey(address)) return undefined;
  return new SessionKeySigner({ storageType: 'local-storage', storageKey: privateKeyStorageKey(address) });
}

/** Deletes a key's private key from this browser (after it was revoked or rotated away, it can do nothing). */
export function forgetLocalSessionKey(address: Address): void {
  loadLocalSessionKeySigner(address)?.removeFromStorage();
  writeIndex(readIndex().filter((key) => key.address.toLowerCase() !== address.toLowerCase()));
}

/** Deletes every key this browser holds for `account`. */
export function forgetLocalSessionKeysOf(account: Address): void {
  for (const key of listLocalSessionKeys(account)) forgetLocalSessionKey(key.address);
}
