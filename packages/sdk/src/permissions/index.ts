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
  type SessionKeyPermissions,
  type SessionKeySpendLimit,
  type SessionKeyContractAccess,
  type SessionKeyFunctionAccess,
  type SessionKeyErc20SpendLimit,
  type SessionKeyTimeRange,
} from './types.js';
export {
  SessionKeyPermissionsBuilder,
  type SessionKeyTimestamp,
  type ContractAddressAccessEntryParameters,
  type ContractFunctionAccessEntryParameters,
  type TimeRangeParameters,
  type SpendLimitParameters,
  type Erc20TokenSpendLimitParameters,
} from './SessionKeyPermissionsBuilder.js';
export { decodePermissionUpdates, splitPermissionUpdates } from './decodePermissionUpdates.js';
export { describePermissions, formatRefreshInterval, type DescribePermissionsOptions } from './describePermissions.js';
export {
  maxCallLimit,
  CallLimitExceededError,
  CallLimitOutOfRangeError,
  formatCallPeriod,
  type SessionKeyCallLimit,
  type CallLimitParameters,
} from './kinds/callLimit.js';
export { permissionKinds } from './kinds/index.js';
export type { PermissionKind } from './kinds/kind.js';
export {
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
  type SessionKeyPermissionErrorParameters,
  type InvalidAddressReason,
} from './errors.js';
