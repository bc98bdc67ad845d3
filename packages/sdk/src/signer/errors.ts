import { LeashError } from '../errors/LeashError.js';

/**
 * Base class of the errors {@link SessionKeySigner} and the keystore functions throw.
 *
 * @example
 * ```ts
 * try {
 *   await SessionKeySigner.fromKeystore(json, password)
 * } catch (error) {
 *   if (error instanceof SessionKeySignerError) console.error(error.shortMessage)
 * }
 * ```
 */
export class SessionKeySignerError extends LeashError {
  override name = 'SessionKeySignerError';
}

/**
 * The keystore's MAC does not match: the password is wrong (or the ciphertext was altered).
 *
 * @example
 * ```ts
 * await decryptKeystore(keystore, 'not the password') // throws KeystorePasswordError
 * ```
 */
export class KeystorePasswordError extends SessionKeySignerError {
  override name = 'KeystorePasswordError';
  /** The keystore's address, if it names one. */
  readonly address: string | undefined;

  constructor({ address }: { address?: string | undefined } = {}) {
    super('Wrong keystore password.', {
      details: 'The MAC derived from this password does not match the keystore (or the keystore was altered).',
      ...(address ? { metaMessages: [`Keystore address: ${address}`] } : {}),
    });
    this.address = address;
  }
}

/**
 * The keystore is not a Web3 Secret Storage (v3) keystore this SDK can read: bad JSON, a missing or malformed field,
 * or an unsupported cipher or KDF.
 *
 * @example
 * ```ts
 * await decryptKeystore('{"version":1}', password) // throws InvalidKeystoreError
 * ```
 */
export class InvalidKeystoreError extends SessionKeySignerError {
  override name = 'InvalidKeystoreError';
  /** The offending field (e.g. `crypto.kdfparams.n`), if one. */
  readonly field: string | undefined;
  readonly value: unknown;

  constructor(reason: string, { field, value, cause }: { field?: string | undefined; value?: unknown; cause?: Error | undefined } = {}) {
    super(`Invalid keystore: ${reason}`, {
      cause,
      details: 'Expected a Web3 Secret Storage v3 keystore: aes-128-ctr with a scrypt or pbkdf2 (hmac-sha256) KDF.',
      ...(field ? { metaMessages: [`${field}: ${safeFormat(value)}`] } : {}),
    });
    this.field = field;
    this.value = value;
  }
}

/**
 * A private key is not 32 bytes of hex, or not a valid secp256k1 key.
 *
 * @example
 * ```ts
 * new SessionKeySigner({ privateKey: '0x1234' }) // throws InvalidPrivateKeyError
 * ```
 */
export class InvalidPrivateKeyError extends SessionKeySignerError {
  override name = 'InvalidPrivateKeyError';

  constructor({ source, cause }: { source: string; cause?: Error | undefined }) {
    // Never print the value: it may be a real key with a typo.
    super(`The private key from ${source} is not a valid secp256k1 private key.`, {
      cause,
      details: 'Expected 32 bytes as 0x-prefixed hex (64 hex digits), greater than 0 and below the curve order.',
    });
  }
}

/**
 * The chosen storage cannot be used: no localStorage / sessionStorage in this environment, it refused a write, it
 * holds a different key under the storage key, or the value stored there is not a private key.
 *
 * @example
 * ```ts
 * new SessionKeySigner({ storageType: 'local-storage' }) // in Node: throws SessionKeyStorageError
 * ```
 */
export class SessionKeyStorageError extends SessionKeySignerError {
  override name = 'SessionKeyStorageError';
  readonly storageKey: string | undefined;

  constructor(shortMessage: string, { storageKey, details, cause }: { storageKey?: string | undefined; details?: string | undefined; cause?: Error | undefined } = {}) {
    super(shortMessage, { cause, details, ...(storageKey !== undefined ? { metaMessages: [`Storage key: ${storageKey}`] } : {}) });
    this.storageKey = storageKey;
  }
}

/**
 * A value handed to the signer to sign is not a 32-byte digest.
 *
 * @example
 * ```ts
 * await signer.signDigest('0x1234') // throws InvalidDigestError
 * ```
 */
export class InvalidDigestError extends SessionKeySignerError {
  override name = 'InvalidDigestError';
  readonly value: unknown;

  constructor({ value }: { value: unknown }) {
    super(`${safeFormat(value)} is not a 32-byte digest.`, {
      details: 'Pass the session digest of the op (getSessionOperationDigest), 0x-prefixed, 64 hex digits.',
      metaMessages: [`digest: ${safeFormat(value)}`],
    });
    this.value = value;
  }
}

function safeFormat(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (typeof value === 'bigint') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
