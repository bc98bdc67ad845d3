import { ctr } from '@noble/ciphers/aes';
import { pbkdf2Async } from '@noble/hashes/pbkdf2';
import { scryptAsync } from '@noble/hashes/scrypt';
import { sha256 } from '@noble/hashes/sha2';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { InvalidKeystoreError, InvalidPrivateKeyError, KeystorePasswordError, SessionKeySignerError } from './errors.js';
import { nodeBuiltin } from './nodeBuiltins.js';

// Browser-safe: Node's crypto is imported lazily, only in Node (see nodeBuiltins.ts; files are in keystoreFile.ts).

/**
 * scrypt parameters of a v3 keystore.
 *
 * @example
 * ```ts
 * const { n, r, p } = (await signer.toKeystore(password)).crypto.kdfparams as KeystoreScryptParams // 262144, 8, 1
 * ```
 */
export type KeystoreScryptParams = { dklen: number; n: number; r: number; p: number; salt: string };
/**
 * pbkdf2 parameters of a v3 keystore (only hmac-sha256 is defined by the format).
 *
 * @example
 * ```ts
 * const keystore = await signer.toKeystore(password, { kdf: 'pbkdf2' })
 * const { c } = keystore.crypto.kdfparams as KeystorePbkdf2Params // 262144
 * ```
 */
export type KeystorePbkdf2Params = { dklen: number; c: number; prf: 'hmac-sha256'; salt: string };

/**
 * A Web3 Secret Storage (v3) keystore, as geth, ethers and most wallets write it: the private key encrypted with
 * AES-128-CTR under a key derived from a password (scrypt or pbkdf2), with a keccak256 MAC. Hex fields have no 0x.
 *
 * @example
 * ```ts
 * const keystore: KeystoreV3 = await signer.toKeystore(password)
 * await writeFile('agent-key.json', JSON.stringify(keystore), { mode: 0o600 })
 * ```
 */
export type KeystoreV3 = {
  /** The key's address, lowercase hex without 0x (optional in the format; written by this SDK as geth does). */
  address?: string | undefined;
  crypto: {
    cipher: 'aes-128-ctr';
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: 'scrypt' | 'pbkdf2';
    kdfparams: KeystoreScryptParams | KeystorePbkdf2Params;
    mac: string;
  };
  /** A random UUID (v4). */
  id: string;
  version: 3;
};

/** Parameters shared by both KDFs of {@link encryptKeystore}; `salt`, `iv` and `id` are random unless given (tests). */
type EncryptKeystoreCommon = {
  /** KDF salt; default 32 random bytes. */
  salt?: Uint8Array | Hex | undefined;
  /** AES-CTR IV; default 16 random bytes. */
  iv?: Uint8Array | Hex | undefined;
  /** Keystore id; default a random UUID v4. */
  id?: string | undefined;
};

/**
 * Options of {@link encryptKeystore}. scrypt (the default) with geth's standard parameters n = 2^18, r = 8, p = 1;
 * lower n (e.g. 2^12, geth's "light" setting) makes it faster and weaker. pbkdf2-hmac-sha256 with c = 262144 is the
 * alternative.
 *
 * @example
 * ```ts
 * const light = await signer.toKeystore(password, { n: 4096 }) // geth's "light" scrypt: faster, weaker
 * const pbkdf2 = await signer.toKeystore(password, { kdf: 'pbkdf2', c: 600_000 })
 * ```
 */
export type EncryptKeystoreOptions =
  | (EncryptKeystoreCommon & {
      kdf?: 'scrypt' | undefined;
      /** CPU/memory cost, a power of 2. Default 262144 (2^18). */
      n?: number | undefined;
      /** Block size. Default 8. */
      r?: number | undefined;
      /** Parallelism. Default 1. */
      p?: number | undefined;
    })
  | (EncryptKeystoreCommon & {
      kdf: 'pbkdf2';
      /** Iterations. Default 262144. */
      c?: number | undefined;
    });

/**
 * geth's standard scrypt parameters.
 *
 * @example
 * ```ts
 * const stronger = await signer.toKeystore(password, { ...defaultKeystoreScryptParams, n: 2 ** 20 })
 * ```
 */
export const defaultKeystoreScryptParams = { n: 262_144, r: 8, p: 1 } as const;
/**
 * The pbkdf2 iteration count used by the Web3 Secret Storage definition's example.
 *
 * @example
 * ```ts
 * const keystore = await signer.toKeystore(password, { kdf: 'pbkdf2', c: 2 * defaultKeystorePbkdf2Iterations })
 * ```
 */
export const defaultKeystorePbkdf2Iterations = 262_144;

const toBytes = (value: Uint8Array | Hex, what: string, length?: number): Uint8Array => {
  let bytes: Uint8Array;
  try {
    bytes = typeof value === 'string' ? hexToBytes(value.replace(/^0x/i, '')) : value;
  } catch (cause) {
    throw new SessionKeySignerError(`The keystore ${what} is not hex.`, { cause: cause as Error });
  }
  if (length !== undefined && bytes.length !== length) throw new SessionKeySignerError(`The keystore ${what} must be ${length} bytes.`);
  return bytes;
};

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function uuidV4(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = bytesToHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function accountOf(privateKey: Uint8Array | Hex, source: string) {
  const hex = typeof privateKey === 'string' ? privateKey : (`0x${bytesToHex(privateKey)}` as Hex);
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new InvalidPrivateKeyError({ source });
  try {
    return { account: privateKeyToAccount(hex), hex: hex.toLowerCase() as Hex };
  } catch (cause) {
    throw new InvalidPrivateKeyError({ source, cause: cause as Error });
  }
}

// With the standard parameters the KDF takes seconds. noble's "async" KDFs yield only to microtasks, so they block the
// event loop all that time: no timers, no I/O, no signal handlers (a Ctrl-C then cannot stop a process cleanly). The
// native ones run off the main thread: Node's scrypt on its thread pool, PBKDF2 in WebCrypto. noble is the fallback
// where those are missing (scrypt in browsers; PBKDF2 outside secure contexts).
async function deriveKey(password: string, kdf: 'scrypt' | 'pbkdf2', params: KeystoreScryptParams | KeystorePbkdf2Params): Promise<Uint8Array> {
  const salt = hexToBytes(params.salt);
  if (kdf === 'scrypt') {
    const { n, r, p, dklen } = params as KeystoreScryptParams;
    const crypto = await nodeBuiltin('node:crypto');
    const native = crypto
      ? await new Promise<Uint8Array | undefined>((resolve) => {
          try {
            // maxmem: scrypt needs about 128 × n × r bytes; Node refuses more than 32 MiB unless told.
            crypto.scrypt(utf8ToBytes(password), salt, dklen, { N: n, r, p, maxmem: 256 * n * r * p }, (error, key) =>
              resolve(error ? undefined : new Uint8Array(key)),
            );
          } catch {
            // OpenSSL refuses some parameters noble accepts (n ≥ 2^(16 r), as in the Web3 Secret Storage test vector).
            resolve(undefined);
          }
        })
      : undefined;
    return native ?? scryptAsync(password, salt, { N: n, r, p, dkLen: dklen });
  }
  const { c, dklen } = params as KeystorePbkdf2Params;
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return pbkdf2Async(sha256, password, salt, { c, dkLen: dklen });
  const key = await subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations: c }, key, dklen * 8);
  return new Uint8Array(bits);
}

const mac = (derivedKey: Uint8Array, ciphertext: Uint8Array) => keccak_256(concatBytes(derivedKey.slice(16, 32), ciphertext));

/**
 * Encrypts a private key as a Web3 Secret Storage (v3) keystore. The password is used as its UTF-8 bytes, as geth
 * does. Prefer {@link SessionKeySigner.toKeystore}, which never hands you the key.
 *
 * @example
 * ```ts
 * const keystore = await encryptKeystore(generatePrivateKey(), 'correct horse battery staple')
 * await writeFile('agent-key.json', JSON.stringify(keystore), { mode: 0o600 })
 * ```
 */
export async function encryptKeystore(privateKey: Hex, password: string, options: EncryptKeystoreOptions = {}): Promise<KeystoreV3> {
  if (typeof password !== 'string') throw new SessionKeySignerError('The keystore password must be a string.');
  const { account, hex } = accountOf(privateKey, 'encryptKeystore');
  const salt = options.salt === undefined ? randomBytes(32) : toBytes(options.salt, 'salt');
  if (salt.length === 0) throw new SessionKeySignerError('The keystore salt must not be empty.');
  const iv = options.iv === undefined ? randomBytes(16) : toBytes(options.iv, 'iv', 16);

  let kdfparams: KeystoreScryptParams | KeystorePbkdf2Params;
  if (options.kdf === 'pbkdf2') {
    const c = options.c ?? defaultKeystorePbkdf2Iterations;
    if (!isPositiveInteger(c)) throw new SessionKeySignerError(`pbkdf2 iterations c must be a positive integer, not ${c}.`);
    kdfparams = { dklen: 32, c, prf: 'hmac-sha256', salt: bytesToHex(salt) };
  } else {
    const { n = defaultKeystoreScryptParams.n, r = defaultKeystoreScryptParams.r, p = defaultKeystoreScryptParams.p } = options;
    if (!isPositiveInteger(n) || n < 2 || (n & (n - 1)) !== 0) throw new SessionKeySignerError(`scrypt n must be a power of 2 above 1, not ${n}.`);
    if (!isPositiveInteger(r) || !isPositiveInteger(p)) throw new SessionKeySignerError(`scrypt r and p must be positive integers, not ${r} and ${p}.`);
    kdfparams = { dklen: 32, n, p, r, salt: bytesToHex(salt) };
  }
  const kdf = options.kdf === 'pbkdf2' ? 'pbkdf2' : 'scrypt';
  let derivedKey: Uint8Array;
  try {
    derivedKey = await deriveKey(password, kdf, kdfparams);
  } catch (cause) {
    throw new SessionKeySignerError('The keystore KDF parameters are not usable.', { cause: cause as Error });
  }
  const ciphertext = ctr(derivedKey.slice(0, 16), iv).encrypt(hexToBytes(hex.slice(2)));
  return {
    address: account.address.slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr',
      cipherparams: { iv: bytesToHex(iv) },
      ciphertext: bytesToHex(ciphertext),
      kdf,
      kdfparams,
      mac: bytesToHex(mac(derivedKey, ciphertext)),
    },
    id: options.id ?? uuidV4(),
    version: 3,
  };
}

const hexField = (value: unknown, field: string, length?: number): string => {
  if (typeof value !== 'string') throw new InvalidKeystoreError(`${field} is missing or not a string.`, { field, value });
  const hex = value.replace(/^0x/i, '').toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(hex) || hex.length === 0) throw new InvalidKeystoreError(`${field} is not hex.`, { field, value });
  if (length !== undefined && hex.length !== length * 2) {
    throw new InvalidKeystoreError(`${field} must be ${length} bytes.`, { field, value });
  }
  return hex;
};

/**
 * Reads and checks a keystore (JSON text or parsed) without decrypting it: the v3 fields, the cipher and the KDF.
 * Throws {@link InvalidKeystoreError} naming the first bad field.
 *
 * @example
 * ```ts
 * const keystore = parseKeystore(await readFile('agent-key.json', 'utf8'))
 * console.log(keystore.address)
 * ```
 */
export function parseKeystore(keystore: KeystoreV3 | string): KeystoreV3 {
  let json: unknown = keystore;
  if (typeof keystore === 'string') {
    try {
      json = JSON.parse(keystore);
    } catch (cause) {
      throw new InvalidKeystoreError('not JSON.', { cause: cause as Error });
    }
  }
  if (typeof json !== 'object' || json === null) throw new InvalidKeystoreError('not an object.');
  const raw = json as Record<string, unknown>;
  if (raw.version !== 3) throw new InvalidKeystoreError('only version 3 is supported.', { field: 'version', value: raw.version });
  // Some wallets (MyEtherWallet) write "Crypto".
  const crypto = (raw.crypto ?? raw.Crypto) as Record<string, unknown> | undefined;
  if (typeof crypto !== 'object' || crypto === null) throw new InvalidKeystoreError('crypto is missing.', { field: 'crypto', value: crypto });
  if (crypto.cipher !== 'aes-128-ctr') {
    throw new InvalidKeystoreError('only the aes-128-ctr cipher is supported.', { field: 'crypto.cipher', value: crypto.cipher });
  }
  const cipherparams = crypto.cipherparams as Record<string, unknown> | undefined;
  const iv = hexField(cipherparams?.iv, 'crypto.cipherparams.iv', 16);
  const ciphertext = hexField(crypto.ciphertext, 'crypto.ciphertext', 32);
  const macHex = hexField(crypto.mac, 'crypto.mac', 32);
  const params = crypto.kdfparams as Record<string, unknown> | undefined;
  if (typeof params !== 'object' || params === null) {
    throw new InvalidKeystoreError('crypto.kdfparams is missing.', { field: 'crypto.kdfparams', value: params });
  }
  const salt = hexField(params.salt, 'crypto.kdfparams.salt');
  const dklen = params.dklen;
  if (!isPositiveInteger(dklen) || dklen < 32) {
    throw new InvalidKeystoreError('dklen must be at least 32.', { field: 'crypto.kdfparams.dklen', value: dklen });
  }
  let kdfparams: KeystoreScryptParams | KeystorePbkdf2Params;
  if (crypto.kdf === 'scrypt') {
    const { n, r, p } = params;
    if (!isPositiveInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
      throw new InvalidKeystoreError('scrypt n must be a power of 2 above 1.', { field: 'crypto.kdfparams.n', value: n });
    }
    if (!isPositiveInteger(r)) throw new InvalidKeystoreError('scrypt r must be a positive integer.', { field: 'crypto.kdfparams.r', value: r });
    if (!isPositiveInteger(p)) throw new InvalidKeystoreError('scrypt p must be a positive integer.', { field: 'crypto.kdfparams.p', value: p });
    kdfparams = { dklen, n, r, p, salt };
  } else if (crypto.kdf === 'pbkdf2') {
    if (params.prf !== 'hmac-sha256') {
      throw new InvalidKeystoreError('only the hmac-sha256 pbkdf2 PRF is supported.', { field: 'crypto.kdfparams.prf', value: params.prf });
    }
    if (!isPositiveInteger(params.c)) {
      throw new InvalidKeystoreError('pbkdf2 c must be a positive integer.', { field: 'crypto.kdfparams.c', value: params.c });
    }
    kdfparams = { dklen, c: params.c, prf: 'hmac-sha256', salt };
  } else {
    throw new InvalidKeystoreError('only the scrypt and pbkdf2 KDFs are supported.', { field: 'crypto.kdf', value: crypto.kdf });
  }
  let address: string | undefined;
  if (raw.address !== undefined) address = hexField(raw.address, 'address', 20);
  return {
    ...(address !== undefined ? { address } : {}),
    crypto: { cipher: 'aes-128-ctr', cipherparams: { iv }, ciphertext, kdf: crypto.kdf, kdfparams, mac: macHex },
    id: typeof raw.id === 'string' ? raw.id : '',
    version: 3,
  };
}

/**
 * Decrypts a Web3 Secret Storage (v3) keystore (scrypt or pbkdf2-hmac-sha256, AES-128-CTR) and returns the private
 * key. Wrong password: {@link KeystorePasswordError}; malformed keystore: {@link InvalidKeystoreError}. Prefer
 * {@link SessionKeySigner.fromKeystore}, which keeps the key inside the signer.
 *
 * @example
 * ```ts
 * const privateKey = await decryptKeystore(await readFile('agent-key.json', 'utf8'), process.env.KEY_PASSWORD!)
 * ```
 */
export async function decryptKeystore(keystore: KeystoreV3 | string, password: string): Promise<Hex> {
  if (typeof password !== 'string') throw new SessionKeySignerError('The keystore password must be a string.');
  const parsed = parseKeystore(keystore);
  const { crypto } = parsed;
  let derivedKey: Uint8Array;
  try {
    derivedKey = await deriveKey(password, crypto.kdf, crypto.kdfparams);
  } catch (cause) {
    throw new InvalidKeystoreError('the KDF parameters are not usable.', { field: 'crypto.kdfparams', value: crypto.kdfparams, cause: cause as Error });
  }
  const ciphertext = hexToBytes(crypto.ciphertext);
  if (!constantTimeEqual(mac(derivedKey, ciphertext), hexToBytes(crypto.mac))) {
    throw new KeystorePasswordError({ address: parsed.address });
  }
  const privateKeyBytes = ctr(derivedKey.slice(0, 16), hexToBytes(crypto.cipherparams.iv)).decrypt(ciphertext);
  const { account, hex } = accountOf(privateKeyBytes, 'the keystore');
  if (parsed.address !== undefined && parsed.address !== account.address.slice(2).toLowerCase()) {
    throw new InvalidKeystoreError('the address does not match the encrypted key.', { field: 'address', value: parsed.address });
  }
  return hex;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
