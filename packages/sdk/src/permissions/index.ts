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
export { decodePermissionUpdates } from './decodePermissionUpdates.js';
export { describePermissions, formatRefreshInterval, type DescribePermissionsOptions } from './describePermissions.js';
export {
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
  type SessionKeyPermissionErrorParameters,
  type InvalidAddressReason,
} from './errors.js';
