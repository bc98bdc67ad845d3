// Account
export {
  toLeashSmartAccount,
  toOwnerValidator,
  getLeashAccountAddress,
  getNonceKey,
  maxNonceLane,
  type LeashSmartAccount,
  type LeashSmartAccountImplementation,
  type LeashValidator,
  type ToLeashSmartAccountParameters,
} from './account/toLeashSmartAccount.js';
export {
  encodeExecute,
  decodeExecute,
  executionModes,
  cloneInitCode,
  ExecuteDecodingError,
  type Call,
} from './account/execution.js';

// Clients
export {
  createLeashAccountClient,
  type CreateLeashAccountClientParameters,
  type LeashAccountClient,
} from './clients/createLeashAccountClient.js';

// Deployment
export {
  getLeashAddresses,
  getLeashContracts,
  getDevTokenContract,
  getDeterministicAddress,
  getAccountFactoryInitCode,
  devTokenParameters,
  type LeashAddresses,
  type DeterministicContract,
} from './deploy/addresses.js';
export {
  deployLeash,
  deployDeterministic,
  defaultFactoryStake,
  DeploymentError,
  type DeployLeashParameters,
  type DeployLeashReturnType,
  type FactoryStake,
} from './deploy/deployLeash.js';

// Constants, ABIs, errors
export * from './constants.js';
export { leashAccountAbi } from './generated/LeashAccount.js';
export { leashAccountFactoryAbi } from './generated/LeashAccountFactory.js';
export { devTokenAbi } from './generated/DevToken.js';
export { sessionKeyModuleAbi } from './generated/SessionKeyModule.js';
export { sessionKeyPermissionUpdatesAbi } from './generated/ISessionKeyPermissionUpdates.js';
export { LeashError, type LeashErrorParameters } from './errors/LeashError.js';

// ---------------------------------------------------------------- Permissions builder (session key permissions)
export {
  SessionKeyAccessListType,
  MINUTE,
  HOUR,
  DAY,
  WEEK,
  maxSessionKeyTimestamp,
  maxSessionKeySpendLimit,
  maxSessionKeyRefreshInterval,
  millisecondsTimestampThreshold,
  SessionKeyPermissionsBuilder,
  decodePermissionUpdates,
  describePermissions,
  formatRefreshInterval,
  SessionKeyPermissionError,
  InvalidAddressError,
  InvalidTimeRangeError,
  TimestampInMillisecondsError,
  TimestampOutOfRangeError,
  SpendLimitOutOfRangeError,
  RefreshIntervalOutOfRangeError,
  DuplicatePermissionError,
  InvalidSelectorError,
  InvalidAccessListTypeError,
  UnknownPermissionUpdateError,
  MalformedPermissionUpdateError,
  type SessionKeyPermissions,
  type SessionKeySpendLimit,
  type SessionKeyContractAccess,
  type SessionKeyFunctionAccess,
  type SessionKeyErc20SpendLimit,
  type SessionKeyTimeRange,
  type SessionKeyTimestamp,
  type ContractAddressAccessEntryParameters,
  type ContractFunctionAccessEntryParameters,
  type TimeRangeParameters,
  type SpendLimitParameters,
  type Erc20TokenSpendLimitParameters,
  type DescribePermissionsOptions,
  type SessionKeyPermissionErrorParameters,
  type InvalidAddressReason,
} from './permissions/index.js';

// ---------------------------------------------------------------- Session key signer and keystores
export {
  SessionKeySigner,
  defaultSessionKeyStorageKey,
  encryptKeystore,
  decryptKeystore,
  parseKeystore,
  defaultKeystoreScryptParams,
  defaultKeystorePbkdf2Iterations,
  readKeystoreFile,
  writeKeystoreFile,
  SessionKeySignerError,
  KeystorePasswordError,
  InvalidKeystoreError,
  InvalidPrivateKeyError,
  SessionKeyStorageError,
  InvalidUserOperationHashError,
  type SessionKeySignerParameters,
  type SessionKeyStorage,
  type SessionKeyStorageType,
  type LoadOrCreateKeystoreFileOptions,
  type KeystoreV3,
  type KeystoreScryptParams,
  type KeystorePbkdf2Params,
  type EncryptKeystoreOptions,
} from './signer/index.js';
