import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Hex, hashMessage, keccak256, recoverAddress, stringToHex, toHex } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import {
  InvalidDigestError,
  InvalidPrivateKeyError,
  LeashError,
  SessionKeySigner,
  SessionKeySignerError,
  type SessionKeyStorage,
  SessionKeyStorageError,
  defaultSessionKeyStorageKey,
  getSessionOperationDigest,
} from '@leash/sdk';

// anvil's first dev key: a published test key.
const devKey: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const devAddress = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const hash = keccak256(stringToHex('a user operation'));

class MemoryStorage implements SessionKeyStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

function catchError<T extends Error>(fn: () => unknown, type: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(SessionKeySignerError);
    expect(error).toBeInstanceOf(LeashError);
    return error as T;
  }
  throw new Error(`Expected ${type.name}`);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('SessionKeySigner: keys and signing', () => {
  it('generates a new key in memory by default', async () => {
    const a = new SessionKeySigner();
    const b = new SessionKeySigner();
    expect(a.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(a.address).not.toBe(b.address);
    expect(await a.getAddress()).toBe(a.address);
    expect(a.storageType).toBe('memory');
  });

  it('loads a given key', async () => {
    const signer = new SessionKeySigner({ privateKey: devKey });
    expect(await signer.getAddress()).toBe(devAddress);
    expect(new SessionKeySigner({ privateKey: devKey.toUpperCase().replace('0X', '0x') as Hex }).address).toBe(devAddress);
  });

  it("signs a session op's digest with raw ECDSA, no EIP-191 prefix", async () => {
    const signer = new SessionKeySigner({ privateKey: devKey });
    const digest = getSessionOperationDigest({ userOpHash: hash, statedTime: 1_750_000_000 });
    const signature = await signer.signDigest(digest);
    expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
    expect(['1b', '1c']).toContain(signature.slice(-2)); // v = 27 or 28
    expect(await recoverAddress({ hash: digest, signature })).toBe(devAddress);
    expect(signature).toBe(await sign({ hash: digest, privateKey: devKey, to: 'hex' }));
    // An EIP-191 signature of the same bytes is a different signature, over a different digest.
    expect(await recoverAddress({ hash: hashMessage({ raw: digest }), signature })).not.toBe(devAddress);
  });

  it('InvalidDigestError for anything but 32 bytes of hex', async () => {
    const signer = new SessionKeySigner();
    for (const value of ['0x1234', `${hash}00`, 'hello', 42, toHex(1n, { size: 31 })]) {
      const error = await signer.signDigest(value as Hex).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidDigestError);
      expect(error).toBeInstanceOf(SessionKeySignerError);
      expect((error as InvalidDigestError).value).toBe(value);
      expect((error as InvalidDigestError).shortMessage).toContain('is not a 32-byte digest.');
    }
  });

  it('the session digest refuses a malformed user operation hash or stated time with a LeashError', () => {
    for (const userOpHash of ['0x1234', `${hash}00`, toHex(1n, { size: 31 }), 'zz'] as Hex[]) {
      expect(() => getSessionOperationDigest({ userOpHash, statedTime: 1 })).toThrow(LeashError);
    }
    for (const statedTime of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => getSessionOperationDigest({ userOpHash: hash, statedTime })).toThrow(/uint32/);
    }
  });

  it('toAccount returns a viem LocalAccount for the same key', async () => {
    const signer = new SessionKeySigner({ privateKey: devKey });
    const account = signer.toAccount();
    expect(account.type).toBe('local');
    expect(account.address).toBe(devAddress);
    expect(await account.sign!({ hash })).toBe(await signer.signDigest(hash));
    expect(await account.signMessage({ message: 'hi' })).toBe(await privateKeyToAccount(devKey).signMessage({ message: 'hi' }));
  });

  it('never exposes the private key', () => {
    const signer = new SessionKeySigner({ privateKey: devKey });
    const bare = devKey.slice(2);
    expect(Object.keys(signer).sort()).toEqual(['address', 'storageType']);
    expect(Object.values(signer).join()).not.toContain(bare);
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ address: devAddress, storageType: 'memory' }));
    expect(inspect(signer, { showHidden: true, depth: 10 })).not.toContain(bare);
    expect(String(signer)).not.toContain(bare);
    expect('privateKey' in signer).toBe(false);
    // Methods only, no getters: the key leaves the signer only encrypted (toKeystore).
    const prototype = Object.getPrototypeOf(signer) as object;
    expect(Object.getOwnPropertyNames(prototype).sort()).toEqual(
      ['constructor', 'getAddress', 'removeFromStorage', 'signDigest', 'toAccount', 'toJSON', 'toKeystore'].sort(),
    );
    for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(prototype))) expect(descriptor.get).toBeUndefined();
    expect(JSON.stringify(signer.toAccount())).not.toContain(bare);
  });

  it('InvalidPrivateKeyError for a malformed or out-of-range key, without printing it', () => {
    for (const privateKey of ['0x1234', devKey.slice(2), `${devKey}00`, `0x${'0'.repeat(64)}`, `0x${'f'.repeat(64)}`, 7]) {
      const e = catchError(() => new SessionKeySigner({ privateKey: privateKey as Hex }), InvalidPrivateKeyError);
      expect(e.shortMessage).toBe('The private key from the privateKey option is not a valid secp256k1 private key.');
      if (typeof privateKey === 'string' && privateKey.length > 10) expect(e.message).not.toContain(privateKey.replace(/^0x/, ''));
    }
  });
});

describe('SessionKeySigner: storage', () => {
  it('generates and saves a key on first use, and loads it afterwards', () => {
    const storage = new MemoryStorage();
    const first = new SessionKeySigner({ storage });
    expect(first.storageType).toBe('custom');
    const stored = storage.getItem(defaultSessionKeyStorageKey)!;
    expect(stored).toMatch(/^0x[0-9a-f]{64}$/);
    expect(privateKeyToAccount(stored as Hex).address).toBe(first.address);
    expect(new SessionKeySigner({ storage }).address).toBe(first.address);
    expect(new SessionKeySigner({ storage, storageKey: 'other' }).address).not.toBe(first.address);
    expect(storage.items.size).toBe(2);
  });

  it('saves a given key into an empty slot, accepts the same key again, refuses a different one', () => {
    const storage = new MemoryStorage();
    expect(new SessionKeySigner({ storage, privateKey: devKey }).address).toBe(devAddress);
    expect(storage.getItem(defaultSessionKeyStorageKey)).toBe(devKey);
    expect(new SessionKeySigner({ storage, privateKey: devKey }).address).toBe(devAddress);
    const other = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
    const e = catchError(() => new SessionKeySigner({ storage, privateKey: other }), SessionKeyStorageError);
    expect(e.shortMessage).toBe('Storage already holds a different session key.');
    expect(e.storageKey).toBe(defaultSessionKeyStorageKey);
    expect(storage.getItem(defaultSessionKeyStorageKey)).toBe(devKey);
  });

  it('refuses a stored value that is not a key, and never overwrites it', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', 'garbage');
    const e = catchError(() => new SessionKeySigner({ storage, storageKey: 'k' }), SessionKeyStorageError);
    expect(e.shortMessage).toBe('The value in storage is not a session key.');
    expect(e.storageKey).toBe('k');
    expect(e.message).toContain('Storage key: k');
    expect(e.cause).toBeInstanceOf(InvalidPrivateKeyError);
    expect(storage.getItem('k')).toBe('garbage');
  });

  it('wraps storage failures', () => {
    const failing: SessionKeyStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const e = catchError(() => new SessionKeySigner({ storage: failing }), SessionKeyStorageError);
    expect(e.shortMessage).toBe('Could not save the session key to storage.');
    expect((e.cause as Error).message).toBe('QuotaExceededError');
    const unreadable = { ...failing, getItem: () => { throw new Error('SecurityError'); } };
    expect(catchError(() => new SessionKeySigner({ storage: unreadable }), SessionKeyStorageError).shortMessage).toBe(
      'Could not read the session key from storage.',
    );
  });

  it('uses window.localStorage and sessionStorage by storage type', () => {
    const local = new MemoryStorage();
    const session = new MemoryStorage();
    vi.stubGlobal('localStorage', local);
    vi.stubGlobal('sessionStorage', session);
    const a = new SessionKeySigner({ storageType: 'local-storage' });
    const b = new SessionKeySigner({ storageType: 'session-storage', storageKey: 'app:key' });
    expect(a.storageType).toBe('local-storage');
    expect(local.getItem(defaultSessionKeyStorageKey)).not.toBeNull();
    expect(session.getItem('app:key')).not.toBeNull();
    expect(new SessionKeySigner({ storageType: 'local-storage' }).address).toBe(a.address);
    expect(new SessionKeySigner({ storageType: 'session-storage', storageKey: 'app:key' }).address).toBe(b.address);
  });

  it('SessionKeyStorageError when the browser storage does not exist', () => {
    vi.stubGlobal('localStorage', undefined);
    const e = catchError(() => new SessionKeySigner({ storageType: 'local-storage' }), SessionKeyStorageError);
    expect(e.shortMessage).toBe('localStorage is not available in this environment.');
  });

  it('removeFromStorage deletes its own key only', () => {
    const storage = new MemoryStorage();
    const signer = new SessionKeySigner({ storage });
    signer.removeFromStorage();
    expect(storage.getItem(defaultSessionKeyStorageKey)).toBeNull();
    const replacement = new SessionKeySigner({ storage });
    signer.removeFromStorage(); // not its key any more
    expect(privateKeyToAccount(storage.getItem(defaultSessionKeyStorageKey) as Hex).address).toBe(replacement.address);
    new SessionKeySigner().removeFromStorage(); // in memory: nothing to do
  });
});
