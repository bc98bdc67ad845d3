export {
  SessionKeySigner,
  defaultSessionKeyStorageKey,
  type SessionKeySignerParameters,
  type SessionKeyStorage,
  type SessionKeyStorageType,
  type LoadOrCreateKeystoreFileOptions,
} from './SessionKeySigner.js';
export {
  encryptKeystore,
  decryptKeystore,
  parseKeystore,
  defaultKeystoreScryptParams,
  defaultKeystorePbkdf2Iterations,
  type KeystoreV3,
  type KeystoreScryptParams,
  type KeystorePbkdf2Params,
  type EncryptKeystoreOptions,
} from './keystore.js';
export { readKeystoreFile, writeKeystoreFile } from './keystoreFile.js';
export {
  SessionKeySignerError,
  KeystorePasswordError,
  InvalidKeystoreError,
  InvalidPrivateKeyError,
  InvalidDigestError,
  SessionKeyStorageError,
} from './errors.js';
