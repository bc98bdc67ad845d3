import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { scrypt } from '@noble/hashes/scrypt';
import { keccak_256 } from '@noble/hashes/sha3';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import {
  InvalidKeystoreError,
  InvalidPrivateKeyError,
  KeystorePasswordError,
  type KeystoreV3,
  LeashError,
  SessionKeySigner,
  SessionKeySignerError,
  decryptKeystore,
  defaultKeystoreScryptParams,
  encryptKeystore,
  parseKeystore,
  readKeystoreFile,
  writeKeystoreFile,
} from '@leash/sdk';

// The test vectors of the Web3 Secret Storage definition (ethereum.org / the Ethereum wiki).
const vectorPassword = 'testpassword';
const vectorKey: Hex = '0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d';
const pbkdf2Vector = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '6087dab2f9fdbbfaddc31a909735c1e6' },
    ciphertext: '5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46',
    kdf: 'pbkdf2',
    kdfparams: { c: 262144, dklen: 32, prf: 'hmac-sha256', salt: 'ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd' },
    mac: '517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
} as const;
const scryptVector = {
  crypto: {
    cipher: 'aes-128-ctr',
    cipherparams: { iv: '83dbcc02d8ccb40e466191a123791e0e' },
    ciphertext: 'd172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c',
    kdf: 'scrypt',
    kdfparams: { dklen: 32, n: 262144, p: 8, r: 1, salt: 'ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19' },
    mac: '2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097',
  },
  id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
  version: 3,
} as const;

const fast = { n: 1024 } as const; // small scrypt cost for tests
const password = 'correct horse battery staple';
const devKey: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const devAddress = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(SessionKeySignerError);
  expect(error).toBeInstanceOf(LeashError);
  return error as T;
}

describe('keystore v3: published test vectors', () => {
  it('decrypts the pbkdf2-sha256 vector', async () => {
    expect(await decryptKeystore(pbkdf2Vector as unknown as KeystoreV3, vectorPassword)).toBe(vectorKey);
  });

  it('decrypts the scrypt vector (n = 2^18, r = 1, p = 8), from JSON text', async () => {
    expect(await decryptKeystore(JSON.stringify(scryptVector), vectorPassword)).toBe(vectorKey);
  });

  it('reproduces the pbkdf2 vector byte for byte with its salt and iv', async () => {
    const keystore = await encryptKeystore(vectorKey, vectorPassword, {
      kdf: 'pbkdf2',
      c: 262144,
      salt: `0x${pbkdf2Vector.crypto.kdfparams.salt}`,
      iv: `0x${pbkdf2Vector.crypto.cipherparams.iv}`,
      id: pbkdf2Vector.id,
    });
    expect(keystore).toEqual({ ...pbkdf2Vector, address: privateKeyToAccount(vectorKey).address.slice(2).toLowerCase() });
  });

  it('refuses the vector with a wrong password: KeystorePasswordError', async () => {
    const e = await rejection(decryptKeystore(pbkdf2Vector as unknown as KeystoreV3, 'testpassworD'), KeystorePasswordError);
    expect(e.shortMessage).toBe('Wrong keystore password.');
  });
});

describe('keystore v3: encrypt and decrypt', () => {
  it('round-trips with scrypt, in the geth layout', async () => {
    const keystore = await encryptKeystore(devKey, password, fast);
    expect(Object.keys(keystore)).toEqual(['address', 'crypto', 'id', 'version']);
    expect(keystore.version).toBe(3);
    expect(keystore.address).toBe(devAddress.slice(2).toLowerCase());
    expect(keystore.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keystore.crypto.cipher).toBe('aes-128-ctr');
    expect(keystore.crypto.kdf).toBe('scrypt');
    expect(keystore.crypto.kdfparams).toEqual({ dklen: 32, n: 1024, r: 8, p: 1, salt: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(keystore.crypto.cipherparams.iv).toMatch(/^[0-9a-f]{32}$/);
    expect(keystore.crypto.ciphertext).toMatch(/^[0-9a-f]{64}$/);
    expect(keystore.crypto.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(keystore)).not.toContain(devKey.slice(2));
    expect(await decryptKeystore(keystore, password)).toBe(devKey);
    expect(await decryptKeystore(JSON.stringify(keystore), password)).toBe(devKey);
  });

  it('uses fresh salt, iv and id each time', async () => {
    const [a, b] = await Promise.all([encryptKeystore(devKey, password, fast), encryptKeystore(devKey, password, fast)]);
    expect(a.id).not.toBe(b.id);
    expect(a.crypto.cipherparams.iv).not.toBe(b.crypto.cipherparams.iv);
    expect((a.crypto.kdfparams as { salt: string }).salt).not.toBe((b.crypto.kdfparams as { salt: string }).salt);
  });

  it('round-trips with pbkdf2 and custom scrypt r and p', async () => {
    const pbkdf2 = await encryptKeystore(devKey, password, { kdf: 'pbkdf2', c: 1000 });
    expect(pbkdf2.crypto.kdfparams).toEqual({ dklen: 32, c: 1000, prf: 'hmac-sha256', salt: expect.any(String) });
    expect(await decryptKeystore(pbkdf2, password)).toBe(devKey);
    const scrypt = await encryptKeystore(devKey, '', { n: 256, r: 2, p: 3 });
    expect(scrypt.crypto.kdfparams).toMatchObject({ n: 256, r: 2, p: 3 });
    expect(await decryptKeystore(scrypt, '')).toBe(devKey);
  });

  it('handles non-ASCII passwords as UTF-8', async () => {
    const keystore = await encryptKeystore(devKey, 'pässwörd 🔑', fast);
    expect(await decryptKeystore(keystore, 'pässwörd 🔑')).toBe(devKey);
    await rejection(decryptKeystore(keystore, 'passwort 🔑'), KeystorePasswordError);
  });

  it('derives the key off the main thread: timers, I/O and signal handlers (Ctrl-C) run meanwhile', async () => {
    for (const options of [{}, { kdf: 'pbkdf2' }] as const) {
      let done = false;
      const encrypting = encryptKeystore(devKey, password, options).then(() => (done = true));
      // A KDF that blocked the event loop would finish before this callback could run.
      expect(await new Promise((resolve) => setImmediate(() => resolve(done)))).toBe(false);
      await encrypting;
    }
  }, 60_000);

  it('derives the same key as the reference scrypt, with the password as UTF-8', async () => {
    const salt = '0x' + '5a'.repeat(32);
    const keystore = await encryptKeystore(devKey, 'pässwörd 🔑', { n: 1024, r: 8, p: 2, salt, iv: '0x' + '01'.repeat(16) });
    const reference = scrypt(utf8ToBytes('pässwörd 🔑'), hexToBytes('5a'.repeat(32)), { N: 1024, r: 8, p: 2, dkLen: 32 });
    const ciphertext = hexToBytes(keystore.crypto.ciphertext);
    expect(bytesToHex(keccak_256(concatBytes(reference.slice(16, 32), ciphertext)))).toBe(keystore.crypto.mac);
  });

  it('uses geth’s standard scrypt parameters by default (n = 2^18, r = 8, p = 1)', async () => {
    expect(defaultKeystoreScryptParams).toEqual({ n: 262144, r: 8, p: 1 });
    const signer = new SessionKeySigner({ privateKey: devKey });
    const keystore = await signer.toKeystore(password);
    expect(keystore.crypto.kdfparams).toMatchObject({ dklen: 32, n: 262144, r: 8, p: 1 });
    expect((await SessionKeySigner.fromKeystore(keystore, password)).address).toBe(devAddress);
  }, 60_000);

  it('KeystorePasswordError for a wrong password or an altered ciphertext, naming the address', async () => {
    const keystore = await encryptKeystore(devKey, password, fast);
    let e = await rejection(decryptKeystore(keystore, 'wrong'), KeystorePasswordError);
    expect(e.shortMessage).toBe('Wrong keystore password.');
    expect(e.address).toBe(keystore.address);
    expect(e.message).toContain(`Keystore address: ${keystore.address}`);
    const altered = structuredClone(keystore);
    altered.crypto.ciphertext = `00${altered.crypto.ciphertext.slice(2)}`;
    e = await rejection(decryptKeystore(altered, password), KeystorePasswordError);
  });

  it('InvalidKeystoreError names the malformed field', async () => {
    const good = await encryptKeystore(devKey, password, fast);
    const variant = (edit: (k: Record<string, any>) => void) => {
      const k = structuredClone(good) as Record<string, any>;
      edit(k);
      return k as KeystoreV3;
    };
    const cases: [KeystoreV3 | string, string | undefined, string][] = [
      ['not json', undefined, 'Invalid keystore: not JSON.'],
      ['null', undefined, 'Invalid keystore: not an object.'],
      [variant((k) => (k.version = 1)), 'version', 'Invalid keystore: only version 3 is supported.'],
      [variant((k) => delete k.crypto), 'crypto', 'Invalid keystore: crypto is missing.'],
      [variant((k) => (k.crypto.cipher = 'aes-128-cbc')), 'crypto.cipher', 'Invalid keystore: only the aes-128-ctr cipher is supported.'],
      [variant((k) => (k.crypto.cipherparams.iv = 'abcd')), 'crypto.cipherparams.iv', 'Invalid keystore: crypto.cipherparams.iv must be 16 bytes.'],
      [variant((k) => (k.crypto.ciphertext = 'zz')), 'crypto.ciphertext', 'Invalid keystore: crypto.ciphertext is not hex.'],
      [variant((k) => delete k.crypto.mac), 'crypto.mac', 'Invalid keystore: crypto.mac is missing or not a string.'],
      [variant((k) => (k.crypto.kdf = 'argon2id')), 'crypto.kdf', 'Invalid keystore: only the scrypt and pbkdf2 KDFs are supported.'],
      [variant((k) => (k.crypto.kdfparams.n = 1000)), 'crypto.kdfparams.n', 'Invalid keystore: scrypt n must be a power of 2 above 1.'],
      [variant((k) => (k.crypto.kdfparams.r = 0)), 'crypto.kdfparams.r', 'Invalid keystore: scrypt r must be a positive integer.'],
      [variant((k) => (k.crypto.kdfparams.dklen = 16)), 'crypto.kdfparams.dklen', 'Invalid keystore: dklen must be at least 32.'],
      [variant((k) => delete k.crypto.kdfparams.salt), 'crypto.kdfparams.salt', 'Invalid keystore: crypto.kdfparams.salt is missing or not a string.'],
      [
        variant((k) => {
          k.crypto.kdf = 'pbkdf2';
          k.crypto.kdfparams = { c: 1, dklen: 32, prf: 'hmac-sha512', salt: 'aa' };
        }),
        'crypto.kdfparams.prf',
        'Invalid keystore: only the hmac-sha256 pbkdf2 PRF is supported.',
      ],
      [variant((k) => (k.address = 'f'.repeat(40))), 'address', 'Invalid keystore: the address does not match the encrypted key.'],
    ];
    for (const [keystore, field, shortMessage] of cases) {
      const e = await rejection(decryptKeystore(keystore, password), InvalidKeystoreError);
      expect(e.shortMessage).toBe(shortMessage);
      expect(e.field).toBe(field);
    }
    expect(() => parseKeystore(variant((k) => (k.crypto.kdfparams.p = 1.5)))).toThrow(InvalidKeystoreError);
  });

  it('reads MyEtherWallet-style "Crypto" and 0x-prefixed hex', async () => {
    const k = structuredClone(await encryptKeystore(devKey, password, fast)) as Record<string, any>;
    k.Crypto = k.crypto;
    delete k.crypto;
    k.Crypto.ciphertext = `0x${k.Crypto.ciphertext}`;
    expect(await decryptKeystore(k as KeystoreV3, password)).toBe(devKey);
  });

  it('refuses bad encryption input', async () => {
    await rejection(encryptKeystore('0x1234', password, fast), InvalidPrivateKeyError);
    await rejection(encryptKeystore(devKey, password, { n: 1000 }), SessionKeySignerError);
    await rejection(encryptKeystore(devKey, password, { iv: '0x1234' }), SessionKeySignerError);
    await rejection(encryptKeystore(devKey, password, { kdf: 'pbkdf2', c: 0 }), SessionKeySignerError);
  });
});

describe('SessionKeySigner and keystore files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leash-keystore-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('toKeystore / fromKeystore round-trip the key, never in the clear', async () => {
    const signer = new SessionKeySigner();
    const keystore = await signer.toKeystore(password, fast);
    expect(keystore.address).toBe(signer.address.slice(2).toLowerCase());
    const loaded = await SessionKeySigner.fromKeystore(JSON.stringify(keystore), password);
    expect(loaded.address).toBe(signer.address);
    await rejection(SessionKeySigner.fromKeystore(keystore, 'nope'), KeystorePasswordError);
  });

  it('loadOrCreateKeystoreFile creates the key on first run, then loads it', async () => {
    const file = path.join(dir, 'nested', 'agent', 'key.json');
    const onCreate = vi.fn();
    const first = await SessionKeySigner.loadOrCreateKeystoreFile(file, password, { ...fast, onCreate });
    expect(onCreate).toHaveBeenCalledOnce();
    expect(onCreate).toHaveBeenCalledWith(first.address);
    const info = await stat(file);
    expect(info.mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(file, 'utf8')) as KeystoreV3;
    expect(json.address).toBe(first.address.slice(2).toLowerCase());
    expect(json.crypto.kdfparams).toMatchObject({ n: 1024 });

    const second = await SessionKeySigner.loadOrCreateKeystoreFile(file, password, { ...fast, onCreate });
    expect(second.address).toBe(first.address);
    expect(onCreate).toHaveBeenCalledOnce();
    expect((await readKeystoreFile(file)).address).toBe(json.address);
    expect((await SessionKeySigner.fromKeystoreFile(file, password)).address).toBe(first.address);
  });

  it('loadOrCreateKeystoreFile: a wrong password never replaces the file', async () => {
    const file = path.join(dir, 'wrong-password.json');
    const signer = await SessionKeySigner.loadOrCreateKeystoreFile(file, password, fast);
    const before = await readFile(file, 'utf8');
    await rejection(SessionKeySigner.loadOrCreateKeystoreFile(file, 'wrong', fast), KeystorePasswordError);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await SessionKeySigner.fromKeystoreFile(file, password)).address).toBe(signer.address);
  });

  it('loadOrCreateKeystoreFile: concurrent first runs agree on one key', async () => {
    const file = path.join(dir, 'race.json');
    const onCreate = vi.fn();
    const signers = await Promise.all(Array.from({ length: 8 }, () => SessionKeySigner.loadOrCreateKeystoreFile(file, password, { ...fast, onCreate })));
    expect(new Set(signers.map((s) => s.address)).size).toBe(1);
    expect(onCreate).toHaveBeenCalledOnce();
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('InvalidKeystoreError for a file that is not a keystore', async () => {
    const file = path.join(dir, 'garbage.json');
    await writeFile(file, '{"hello": "world"}');
    const e = await rejection(SessionKeySigner.loadOrCreateKeystoreFile(file, password, fast), InvalidKeystoreError);
    expect(e.field).toBe('version');
    expect(await readFile(file, 'utf8')).toBe('{"hello": "world"}');
  });

  it('writeKeystoreFile refuses to replace a file unless told to', async () => {
    const file = path.join(dir, 'write.json');
    const keystore = await encryptKeystore(devKey, password, fast);
    await writeKeystoreFile(file, keystore);
    await expect(writeKeystoreFile(file, keystore)).rejects.toMatchObject({ code: 'EEXIST' });
    const replacement = await encryptKeystore(devKey, password, fast);
    await writeKeystoreFile(file, replacement, { overwrite: true });
    expect(await readKeystoreFile(file)).toEqual(replacement);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(readKeystoreFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
