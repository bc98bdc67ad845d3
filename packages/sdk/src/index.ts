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
  type SessionKeyAccountCapability,
  type SessionKeySmartAccount,
  type SessionKeyClient,
  type UserOperationValidator,
} from './account/capability.js';
export {
  toErc7579SmartAccount,
  type Erc7579SmartAccount,
  type ToErc7579SmartAccountParameters,
} from './account/toErc7579SmartAccount.js';
export {
  openZeppelinNonceLayout,
  kernelNonceLayout,
  nexusNonceLayout,
  encodeErc7579InstallValidator,
  encodeErc7579UninstallValidator,
  isErc7579ValidatorInstalled,
  type NonceKeyLayout,
} from './account/erc7579.js';
export {
  accountKinds,
  detectAccountKind,
  previousValidator,
  leashAccountKind,
  openZeppelinAccountKind,
  kernelAccountKind,
  nexusAccountKind,
  safe7579AccountKind,
  msaAccountKind,
  eip7702AccountKind,
  UnknownAccountKindError,
  type AccountKind,
  type AccountKindId,
} from './account/kinds/accountKind.js';
export { withSessionKeyCapability, type WithSessionKeyCapabilityParameters } from './account/withSessionKeyCapability.js';
export {
  toExistingAccountOwner,
  AccountOwnerMismatchError,
  type ToExistingAccountOwnerParameters,
} from './account/toExistingAccountOwner.js';
export {
  delegateToLeash7702,
  toLeash7702SmartAccount,
  type DelegateToLeash7702Parameters,
  type ToLeash7702SmartAccountParameters,
} from './account/toLeash7702SmartAccount.js';
export { signWithValidator } from './account/signWithValidator.js';
export {
  encodeExecute,
  decodeExecute,
  executionModes,
  cloneInitCode,
  ExecuteDecodingError,
  type Call,
} from './account/execution.js';

// Logging
export { setLeashLogger, defaultLeashLogger, type LeashLogger, type LeashLogEvent } from './logging/logger.js';

// Clients
export {
  createLeashAccountClient,
  prefundGas,
  type CreateLeashAccountClientParameters,
  type LeashAccountClient,
} from './clients/createLeashAccountClient.js';
export { estimateUserOperationFees, type UserOperationFees } from './clients/estimateUserOperationFees.js';
export { withPrefundGasEstimate, type WithPrefundGasEstimateParameters } from './clients/withPrefundGasEstimate.js';

// Session key actions (viem style: functions taking (client, parameters), plus a decorator for client.extend)
export { sessionKeyActions, type SessionKeyActions } from './decorators/sessionKeyActions.js';
export { isSessionKeyModuleInstalled, type IsSessionKeyModuleInstalledParameters } from './actions/isSessionKeyModuleInstalled.js';
export { installSessionKeyModule, type InstallSessionKeyModuleParameters } from './actions/installSessionKeyModule.js';
export { uninstallSessionKeyModule } from './actions/uninstallSessionKeyModule.js';
export { addSessionKey, type AddSessionKeyParameters } from './actions/addSessionKey.js';
export { removeSessionKey } from './actions/removeSessionKey.js';
export { updateSessionKeyPermissions } from './actions/updateSessionKeyPermissions.js';
export { rotateSessionKey } from './actions/rotateSessionKey.js';
export { revokeAllSessionKeys } from './actions/revokeAllSessionKeys.js';
export { getSessionKeys, getSessionKeyStates, type SessionKeySummary } from './actions/getSessionKeys.js';
export { getSessionKeyByTag, SessionKeyTagError } from './actions/getSessionKeyByTag.js';
export {
  getSessionKeyPermissions,
  type GetSessionKeyPermissionsParameters,
  type SessionKeyState,
  type SpendLimitStatus,
} from './actions/getSessionKeyPermissions.js';
export {
  executeWithSessionKey,
  type ExecuteWithSessionKeyParameters,
  type ExecuteWithSessionKeyReturnType,
} from './actions/executeWithSessionKey.js';
export {
  checkSessionKeyCalls,
  type CheckSessionKeyCallsParameters,
  type CheckSessionKeyCallsReturnType,
} from './actions/checkSessionKeyCalls.js';
export { type UserOperationResult, UserOperationRevertedError } from './actions/internal/sendCalls.js';
export { resumeUserOperation, type ResumeUserOperationParameters } from './actions/resumeUserOperation.js';
export { findUserOperationReceipt, type FindUserOperationReceiptParameters } from './actions/findUserOperationReceipt.js';

// Delivery: retries, re-sends, and finding an op by its hash
export {
  defaultDeliveryOptions,
  resolveDeliveryOptions,
  type DeliveryOptions,
  type DeliveryRetryEvent,
  type OfferedFees,
  type RetryPolicy,
  type SentUserOperation,
} from './delivery/options.js';
export {
  RequestRetriesExhaustedError,
  UserOperationMayNotHaveBeenSentError,
  NonceConflictError,
  TooManyPendingOperationsError,
  UserOperationFeeTooLowError,
  type UnknownOutcomeReason,
} from './delivery/errors.js';
export { isTransientError, withRetries } from './delivery/retry.js';
export { classifyBundlerRefusal, type BundlerRefusal } from './delivery/bundlerRefusal.js';
export { deliverUserOperation, type DeliveryClient } from './delivery/deliverUserOperation.js';
export { findUserOperationReceiptOnChain } from './delivery/receiptOnChain.js';
export { checkUserOperationInclusion, type InclusionCheck } from './delivery/inclusion.js';

// Session key grants: one owner signature, no transaction, on one chain or many (docs/grants.md)
export {
  signSessionKeyGrant,
  type SignSessionKeyGrantParameters,
  type SessionKeyGrantChainParameters,
} from './actions/signSessionKeyGrant.js';
export { cancelSessionKeyGrant, type CancelSessionKeyGrantParameters } from './actions/cancelSessionKeyGrant.js';
export {
  getSessionKeyGrantStatus,
  type SessionKeyGrantStatus,
  type SessionKeyGrantStatusReturnType,
} from './actions/getSessionKeyGrantStatus.js';
export {
  sessionKeyGrantDomain,
  sessionKeyGrantTypes,
  toSessionKeyGrantTypedData,
  hashSessionKeyGrant,
  hashChainGrant,
  type SessionKeyChainGrant,
  type SessionKeyGrantMessage,
} from './grants/typedData.js';
export {
  grantPermissionFields,
  nonGrantableUpdates,
  sortGrantUpdates,
  toGrantPermissions,
  type GrantPermissionField,
  type GrantPermissions,
} from './grants/permissions.js';
export {
  serializeSessionKeyGrant,
  parseSessionKeyGrant,
  assertSessionKeyGrant,
  maxGrantChains,
  sessionKeyGrantJsonType,
  sessionKeyGrantJsonVersion,
  type SessionKeyGrant,
} from './grants/serialize.js';
export { encodeGrantedKeyArguments, encodeGrantSessionSignature, grantChainIndex } from './grants/encode.js';
export { readGrantNonce, type GrantNonceState } from './grants/readGrantNonce.js';
export { readAccountGrantState, smallGrantNonceLimit, type AccountGrantState } from './grants/readGrantState.js';
export { planGrantOpTiming, grantStatedTimeTolerance, type GrantTimingPlan } from './session/planGrantTiming.js';
export {
  SessionKeyGrantError,
  PermissionNotGrantableError,
  InvalidSessionKeyGrantError,
  MultiChainGrantNotSupportedError,
  SessionKeyGrantRefusedError,
  MalformedGrantError,
  GrantForAnotherAccountError,
  GrantForAnotherChainError,
  GrantExpiredError,
  GrantRevokedError,
  GrantNonceSpentError,
  GrantAlreadyUsedError,
  GrantCancelledError,
  InvalidGrantSignatureError,
  UnsupportedKeyTypeError,
  GrantPermissionsRefusedError,
  type SessionKeyGrantRefusalReason,
} from './grants/errors.js';

// Session ops: validator, signatures, periods, lanes
export {
  toSessionKeyValidator,
  nowInSeconds,
  type SessionKeySignerLike,
  type SessionKeyValidator,
  type ToSessionKeyValidatorParameters,
} from './session/toSessionKeyValidator.js';
export {
  encodeSessionSignature,
  encodeSessionStubSignature,
  decodeSessionSignature,
  getSessionOperationDigest,
  type SessionSignature,
  type SessionOperationParameters,
} from './session/signature.js';
export { periodOf, budgetPeriodAt } from './session/periods.js';
export { recoverSessionKey } from './session/recoverSessionKey.js';
export {
  planSessionOpTiming,
  planTiming,
  waitForSendTime,
  windowMargins,
  type TimingPlan,
  type PlanSessionOpTimingParameters,
} from './session/planTiming.js';

// Key types (secp256k1 now; P-256 and WebAuthn later)
export { type SessionKeyType } from './keys/keyType.js';
export { secp256k1KeyType } from './keys/secp256k1.js';

// The session key lens: a key's whole state in one eth_call
export { toSessionKeyState } from './lens/toSessionKeyState.js';
export type { LensSessionKeyState, LensSpendLimitStatus } from './lens/types.js';
export { acquireNonceLane } from './session/lanes.js';
export { acquireSenderSlot, maxPendingOpsPerSender } from './session/senderSlots.js';

// Typed errors of session ops
export {
  SessionKeyViolationError,
  SpendLimitExceededError,
  Erc20SpendLimitExceededError,
  NativeTokenSpendLimitExceededError,
  GasSpendLimitExceededError,
  CallNotAllowedError,
  Erc20FunctionNotAllowedError,
  ForbiddenCallTargetError,
  type ForbiddenCallTargetKind,
  RequiredPaymasterMissingError,
  UnsupportedExecutionError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyNotAuthorizedError,
  SessionKeyModuleError,
  type SessionKeyRule,
  type CallNotAllowedReason,
} from './errors/sessionKeyErrors.js';
export { decodeSessionKeyModuleError, toSessionKeyError } from './errors/decodeSessionKeyModuleError.js';

// Deployment
export {
  getLeashAddresses,
  getLeashContracts,
  getLeash7702AccountContract,
  getDevTokenContract,
  getDevPaymasterContract,
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

// Formatting and parsing of amounts, durations, limits and call targets, and refusal explanations (for apps)
export * from './format/index.js';

// Constants, ABIs, errors
export * from './constants.js';
export {
  leashAccountAbi,
  leashAccountFactoryAbi,
  devTokenAbi,
  devPaymasterAbi,
  sessionKeyModuleAbi,
  sessionKeyPermissionUpdatesAbi,
  sessionKeyLensAbi,
} from './abis.js';
export { LeashError, type LeashErrorParameters } from './errors/LeashError.js';

// ---------------------------------------------------------------- Permissions builder (session key permissions)
export {
  SessionKeyAccessListType,
  MINUTE,
  HOUR,
  DAY,
  WEEK,
  maxSessionKeyTimestamp,
  maxNativeTokenSpendLimit,
  maxErc20SpendLimit,
  maxGasSpendLimit,
  maxSessionKeyRefreshInterval,
  millisecondsTimestampThreshold,
  maxCallLimit,
  CallLimitExceededError,
  CallLimitOutOfRangeError,
  formatCallPeriod,
  permissionKinds,
  SessionKeyPermissionsBuilder,
  decodePermissionUpdates,
  splitPermissionUpdates,
  describePermissions,
  formatRefreshInterval,
  SessionKeyPermissionError,
  InvalidAddressError,
  InvalidTimeRangeError,
  TimestampInMillisecondsError,
  TimestampOutOfRangeError,
  SpendLimitOutOfRangeError,
  RefreshIntervalInMillisecondsError,
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
  type SessionKeyCallLimit,
  type CallLimitParameters,
  type PermissionKind,
  type SessionKeyTimestamp,
  type ContractAddressAccessEntryParameters,
  type ContractFunctionAccessEntryParameters,
  type TimeRangeParameters,
  type SpendLimitParameters,
  type Erc20TokenSpendLimitParameters,
  type DescribePermissionsOptions,
  type SessionKeyPermissionErrorParameters,
  type InvalidAddressReason,
  permissionWarnings,
  type PermissionWarning,
  allowCall,
  eq,
  neq,
  lt,
  lte,
  gt,
  gte,
  oneOf,
  sumAtMost,
  periodSeconds,
  planAllowCall,
  CallPolicyRuleError,
  ArgumentOperator,
  InvalidArgumentValueError,
  compareArgumentWords,
  encodeArgumentWord,
  formatArgumentWord,
  functionArguments,
  knownFunction,
  operatorSymbol,
  registerFunctionAbi,
  ArgumentConditionFailedError,
  ArgumentNotOneOfError,
  ArgumentMissingError,
  ArgumentSpendLimitExceededError,
  FunctionCallLimitExceededError,
  InvalidCallPolicyError,
  TooManyArgumentConditionsError,
  callPolicyCapacity,
  ValuePerCallExceededError,
  describeCallPolicy,
  type SessionKeyCallPolicy,
  type SessionKeyArgumentCondition,
  type SessionKeyArgumentOneOf,
  type SessionKeyArgumentLimit,
  type CallPolicySpending,
  type AllowCallParameters,
  type AllowCallPlan,
  type ArgumentComparison,
  type ArgumentOneOf,
  type ArgumentSum,
  type ArgumentRuleOf,
  type ArgumentRules,
  type CallPolicyPeriod,
  type ComparisonName,
  type FunctionArgument,
  type KnownFunction,
  type WordFormat,
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
  InvalidDigestError,
  SessionKeyStorageError,
  type SessionKeySignerParameters,
  type SessionKeyStorage,
  type SessionKeyStorageType,
  type LoadOrCreateKeystoreFileOptions,
  type KeystoreV3,
  type KeystoreScryptParams,
  type KeystorePbkdf2Params,
  type EncryptKeystoreOptions,
} from './signer/index.js';
