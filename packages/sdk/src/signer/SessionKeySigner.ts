import { type Address, type Hex, type LocalAccount, isHex, size } from 'viem';
import { type PrivateKeyAccount, generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { InvalidDigestError, InvalidPrivateKeyError, SessionKeyStorageError } from './errors.js';
import { type EncryptKeystoreOptions, type KeystoreV3, decryptKeystore, encryptKeystore } from './keystore.js';
import { isFsError, readKeystoreFile, writeKeystoreFile } from './keystoreFile.js';

/**
 * The part of the Web Storage API the signer uses: `localStorage`, `sessionStorage`, or your own.
 *
 * @example
 * ```ts
 * const memory = new Map<string, string>()
 * const storage: SessionKeyStorage = {
 *   getItem: (key) => memory.get(key) ?? null,
 *   setItem: (key, value) => void memory.set(key, value),
 *   removeItem: (key) => void memory.delete(key),
 * }
 * const signer = new SessionKeySigner({ storage })
 * ```
 */
export type SessionKeyStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/**
 * Where a {@link SessionKeySigner} keeps its key.
 *
 * @example
 * ```ts
 * const signer = new SessionKeySigner({ storageType: 'session-storage' }) // gone when the tab closes
 * ```
 */
export type SessionKeyStorageType = 'memory' | 'local-storage' | 'session-storage';

/**
 * The storage key used when none is given.
 *
 * @example
 * ```ts
 * localStorage.getItem(defaultSessionKeyStorageKey) // where new SessionKeySigner({ storageType: 'local-storage' }) keeps its key
 * ```
 */
export const defaultSessionKeyStorageKey = 'leash:session-key';

/**
 * Parameters of the {@link SessionKeySigner} constructor.
 *
 * @example
 * ```ts
 * const signer = new SessionKeySigner({ storageType: 'local-storage', storageKey: `my-app:${userId}:session-key` })
 * ```
 */
export type SessionKeySignerParameters = {
  /** Use this key instead of generating one. With a storage, it is saved there if the slot is empty. */
  privateKey?: Hex | undefined;
  /**
   * `'memory'` (default): the key lives as long as the signer. `'local-storage'` / `'session-storage'`: the browser's
   * storage; the key stored under `storageKey` is loaded, or a new one generated and saved.
   */
  storageType?: SessionKeyStorageType | undefined;
  /** A Storage-like object to use instead of `storageType` (e.g. a wrapper, or a Map-backed store in tests). */
  storage?: SessionKeyStorage | undefined;
  /** Where in the storage the key is kept. Default {@link defaultSessionKeyStorageKey}. */
  storageKey?: string | undefined;
};

/**
 * Parameters of {@link SessionKeySigner.loadOrCreateKeystoreFile}.
 *
 * @example
 * ```ts
 * const signer = await SessionKeySigner.loadOrCreateKeystoreFile(path, password, { n: 2 ** 18, onCreate: (address) => notifyOwner(address) })
 * ```
 */
export type LoadOrCreateKeystoreFileOptions = EncryptKeystoreOptions & {
  /** Called once when a new key was generated and written (e.g. to print its address for the owner). */
  onCreate?: ((address: Address) => void) | undefined;
};

const privateKeyPattern = /^0x[0-9a-fA-F]{64}$/;

function toAccount(privateKey: unknown, source: string): PrivateKeyAccount {
  if (typeof privateKey !== 'string' || !privateKeyPattern.test(privateKey)) throw new InvalidPrivateKeyError({ source });
  try {
    return privateKeyToAccount(privateKey as Hex);
  } catch (cause) {
    throw new InvalidPrivateKeyError({ source, cause: cause as Error });
  }
}

function resolveStorage(parameters: SessionKeySignerParameters): SessionKeyStorage | undefined {
  if (parameters.storage) return parameters.storage;
  const type = parameters.storageType ?? 'memory';
  if (type === 'memory') return undefined;
  const name = type === 'local-storage' ? 'localStorage' : 'sessionStorage';
  let storage: SessionKeyStorage | undefined;
  try {
    storage = (globalThis as Record<string, unknown>)[name] as SessionKeyStorage | undefined;
  } catch (cause) {
    // Browsers throw on access when storage is disabled (e.g. some private modes, sandboxed iframes).
    throw new SessionKeyStorageError(`${name} is not accessible here.`, { cause: cause as Error });
  }
  if (!storage || typeof storage.getItem !== 'function') {
    throw new SessionKeyStorageError(`${name} is not available in this environment.`, {
      details: 'Use the default in-memory storage, pass a Storage-like `storage`, or use a keystore file in Node.',
    });
  }
  return storage;
}

/**
 * A session key: an ECDSA key generated on the client (or loaded), kept in memory, in browser storage, or in an
 * encrypted keystore file, that signs the user operations of a session. The private key never leaves the object:
 * there is no getter for it; only its address is exposed, and the key can be exported only encrypted
 * ({@link SessionKeySigner.toKeystore}).
 *
 * @example
 * ```ts
 * const signer = new SessionKeySigner() // a new key, in memory
 * const browserSigner = new SessionKeySigner({ storageType: 'local-storage' }) // loaded, or generated and saved
 * const agent = await SessionKeySigner.loadOrCreateKeystoreFile('./agent-key.json', process.env.KEY_PASSWORD!)
 * console.log(await agent.getAddress()) // all the owner needs
 * ```
 */
export class SessionKeySigner {
  /** The session key's address. */
  readonly address: Address;
  /** Where the key is kept. */
  readonly storageType: SessionKeyStorageType | 'custom';
  readonly #account: PrivateKeyAccount;
  readonly #privateKey: Hex;
  readonly #storage: SessionKeyStorage | undefined;
  readonly #storageKey: string;

  /**
   * Generates a key, uses the given one, or loads the one in the chosen storage (generating and saving it the first
   * time). Throws {@link SessionKeyStorageError} when the storage is unavailable or holds something that is not a key.
   *
   * @example
   * ```ts
   * const signer = new SessionKeySigner({ storageType: 'session-storage', storageKey: 'my-app:session-key' })
   * ```
   */
  constructor(parameters: SessionKeySignerParameters = {}) {
    const storage = resolveStorage(parameters);
    const storageKey = parameters.storageKey ?? defaultSessionKeyStorageKey;
    this.#storage = storage;
    this.#storageKey = storageKey;
    this.storageType = parameters.storage ? 'custom' : (parameters.storageType ?? 'memory');

    if (!storage) {
      const privateKey = parameters.privateKey ?? generatePrivateKey();
      this.#account = toAccount(privateKey, 'the privateKey option');
      this.#privateKey = privateKey.toLowerCase() as Hex;
      this.address = this.#account.address;
      return;
    }

    let stored: string | null;
    try {
      stored = storage.getItem(storageKey);
    } catch (cause) {
      throw new SessionKeyStorageError('Could not read the session key from storage.', { storageKey, cause: cause as Error });
    }
    if (stored !== null) {
      let account: PrivateKeyAccount;
      try {
        account = toAccount(stored, 'storage');
      } catch (cause) {
        throw new SessionKeyStorageError('The value in storage is not a session key.', {
          storageKey,
          cause: cause as Error,
          details: 'Remove it, or use another storageKey; it is never overwritten automatically.',
        });
      }
      if (parameters.privateKey !== undefined && toAccount(parameters.privateKey, 'the privateKey option').address !== account.address) {
        throw new SessionKeyStorageError('Storage already holds a different session key.', {
          storageKey,
          details: 'Remove it first (removeFromStorage), or use another storageKey.',
        });
      }
      this.#account = account;
      this.#privateKey = stored.toLowerCase() as Hex;
    } else {
      const privateKey = parameters.privateKey ?? generatePrivateKey();
      this.#account = toAccount(privateKey, 'the privateKey option');
      this.#privateKey = privateKey.toLowerCase() as Hex;
      try {
        storage.setItem(storageKey, this.#privateKey);
      } catch (cause) {
        throw new SessionKeyStorageError('Could not save the session key to storage.', { storageKey, cause: cause as Error });
      }
    }
    this.address = this.#account.address;
  }

  /**
   * A signer for the key in a Web3 Secret Storage (v3) keystore (JSON text or parsed). Wrong password:
   * `KeystorePasswordError`; malformed keystore: `InvalidKeystoreError`.
   *
   * @example
   * ```ts
   * const signer = await SessionKeySigner.fromKeystore(keystoreJson, password)
   * ```
   */
  static async fromKeystore(keystore: KeystoreV3 | string, password: string): Promise<SessionKeySigner> {
    return new SessionKeySigner({ privateKey: await decryptKeystore(keystore, password) });
  }

  /**
   * A signer for the key in a keystore file. Node only.
   *
   * @example
   * ```ts
   * const signer = await SessionKeySigner.fromKeystoreFile('./agent-key.json', process.env.KEY_PASSWORD!)
   * ```
   */
  static async fromKeystoreFile(path: string, password: string): Promise<SessionKeySigner> {
    return SessionKeySigner.fromKeystore(await readKeystoreFile(path), password);
  }

  /**
   * For a backend agent: loads the key from an encrypted keystore file, or, on first run, generates a key and writes
   * it there (mode 0600, never replacing an existing file). Only the address needs to leave the agent. Node only.
   * `options` sets the KDF of a new file (default scrypt n = 2^18, r = 8, p = 1).
   *
   * @example
   * ```ts
   * const signer = await SessionKeySigner.loadOrCreateKeystoreFile('./data/agent-key.json', process.env.KEY_PASSWORD!, {
   *   onCreate: (address) => console.log(`New session key ${address}: ask the owner to grant it permissions.`),
   * })
   * ```
   */
  static async loadOrCreateKeystoreFile(path: string, password: string, options: LoadOrCreateKeystoreFileOptions = {}): Promise<SessionKeySigner> {
    try {
      return await SessionKeySigner.fromKeystoreFile(path, password);
    } catch (error) {
      if (!isFsError(error, 'ENOENT')) throw error;
    }
    const { onCreate, ...encryptOptions } = options;
    const signer = new SessionKeySigner();
    try {
      await writeKeystoreFile(path, await signer.toKeystore(password, encryptOptions));
    } catch (error) {
      // Another process created it meanwhile: use that key.
      if (isFsError(error, 'EEXIST')) return SessionKeySigner.fromKeystoreFile(path, password);
      throw error;
    }
    onCreate?.(signer.address);
    return signer;
  }

  /**
   * The session key's address (what the owner grants permissions to).
   *
   * @example
   * ```ts
   * await client.addSessionKey({ key: await signer.getAddress(), tag, permissions })
   * ```
   */
  async getAddress(): Promise<Address> {
    return this.address;
  }

  /**
   * Signs a 32-byte digest with raw ECDSA (no EIP-191 prefix), such as a session op's
   * {@link getSessionOperationDigest | session digest}. Returns the 65-byte signature r ‖ s ‖ v (v = 27 or 28).
   *
   * @example
   * ```ts
   * const digest = getSessionOperationDigest({ userOpHash, statedTime: nowInSeconds() })
   * const signature = await signer.signDigest(digest)
   * ```
   */
  async signDigest(digest: Hex): Promise<Hex> {
    if (typeof digest !== 'string' || !isHex(digest, { strict: true }) || size(digest) !== 32) {
      throw new InvalidDigestError({ value: digest });
    }
    return this.#account.sign({ hash: digest });
  }

  /**
   * The key as a viem LocalAccount (for viem APIs that take an account). The account does not expose the key either.
   *
   * @example
   * ```ts
   * const account = signer.toAccount()
   * const signature = await account.sign!({ hash })
   * ```
   */
  toAccount(): LocalAccount {
    return this.#account;
  }

  /**
   * The key encrypted as a Web3 Secret Storage (v3) keystore: the only way it leaves the signer.
   *
   * @example
   * ```ts
   * const keystore = await signer.toKeystore(password) // scrypt n = 2^18, r = 8, p = 1
   * const quick = await signer.toKeystore(password, { n: 4096 }) // faster, weaker
   * ```
   */
  toKeystore(password: string, options?: EncryptKeystoreOptions): Promise<KeystoreV3> {
    return encryptKeystore(this.#privateKey, password, options);
  }

  /**
   * Deletes the key from its storage (browser or custom) if it is still this key there; the signer itself keeps
   * working until dropped. Nothing to do for an in-memory key.
   *
   * @example
   * ```ts
   * await client.removeSessionKey({ key: signer.address })
   * signer.removeFromStorage()
   * ```
   */
  removeFromStorage(): void {
    const storage = this.#storage;
    if (!storage) return;
    try {
      const stored = storage.getItem(this.#storageKey);
      if (stored !== null && privateKeyPattern.test(stored) && privateKeyToAccount(stored as Hex).address === this.address) {
        storage.removeItem(this.#storageKey);
      }
    } catch (cause) {
      throw new SessionKeyStorageError('Could not remove the session key from storage.', { storageKey: this.#storageKey, cause: cause as Error });
    }
  }

  /**
   * What `JSON.stringify` shows of the signer: its address and storage type, never the key.
   *
   * @example
   * ```ts
   * JSON.stringify(signer) // '{"address":"0x…","storageType":"memory"}'
   * ```
   */
  toJSON(): { address: Address; storageType: string } {
    return { address: this.address, storageType: this.storageType };
  }

  /** Node's console.log / util.inspect: the address only. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SessionKeySigner { address: '${this.address}', storageType: '${this.storageType}' }`;
  }
}
