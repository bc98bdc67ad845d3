import { type Address, type Hex, getAddress, isAddress, toFunctionSelector, zeroAddress } from 'viem';
import {
  formatValue,
  SessionKeyPermissionError,
  InvalidAccessListTypeError,
  InvalidAddressError,
  InvalidSelectorError,
  InvalidTimeRangeError,
  RefreshIntervalInMillisecondsError,
  RefreshIntervalOutOfRangeError,
  SpendLimitOutOfRangeError,
  TimestampInMillisecondsError,
  TimestampOutOfRangeError,
} from './errors.js';
import {
  type SessionKeyAccessListType,
  maxSessionKeyRefreshInterval,
  maxSessionKeyTimestamp,
  millisecondsTimestampThreshold,
} from './types.js';

// EntryPoint v0.6 to v0.9: the module refuses them as targets (a session key must never move the account's deposit).
const entryPoints = new Set([
  '0x5ff137d4b0fdcd49dca30c7cf57e578a026d2789',
  '0x0000000071727de22e5e9d8baf0edac6f37da032',
  '0x4337084d9e255ff0702461cf8895ce9e3b5ff108',
  '0x433709009b8330fda32311df1c2afa402ed8d009',
]);

/** Where a value comes from, for error messages. */
export type Where = { field: string; context?: string | undefined };

/** A contract or token address an entry or limit may name: valid, not zero, not an EntryPoint. Returns it checksummed. */
export function normalizeTarget(value: unknown, where: Where): Address {
  const address = normalizeAddress(value, where);
  if (address === zeroAddress) throw new InvalidAddressError({ ...where, value, reason: 'zero' });
  if (entryPoints.has(address.toLowerCase())) throw new InvalidAddressError({ ...where, value, reason: 'entryPoint' });
  return address;
}

/** Any valid address (lowercase or with a valid checksum), checksummed. */
export function normalizeAddress(value: unknown, where: Where): Address {
  if (typeof value !== 'string' || !isAddress(value)) throw new InvalidAddressError({ ...where, value, reason: 'invalid' });
  return getAddress(value);
}

/**
 * A timestamp in whole seconds. `heuristics` (the builder) also refuses values that look like milliseconds; without
 * it (decoding) only the module's range applies.
 */
export function normalizeTimestamp(value: unknown, where: Where, heuristics: boolean): number {
  let seconds: bigint;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TimestampOutOfRangeError({ ...where, value, max: maxSessionKeyTimestamp });
    seconds = BigInt(Math.floor(ms / 1000));
  } else if (typeof value === 'bigint') {
    seconds = value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    seconds = BigInt(value);
  } else {
    throw new TimestampOutOfRangeError({ ...where, value, max: maxSessionKeyTimestamp });
  }
  if (seconds < 0n) throw new TimestampOutOfRangeError({ ...where, value, max: maxSessionKeyTimestamp });
  const threshold = BigInt(millisecondsTimestampThreshold);
  if (heuristics && !(value instanceof Date) && seconds > threshold && seconds / 1000n <= threshold) {
    throw new TimestampInMillisecondsError({ ...where, value: value as number | bigint });
  }
  if (seconds > BigInt(maxSessionKeyTimestamp)) {
    throw new TimestampOutOfRangeError({ ...where, value, max: maxSessionKeyTimestamp });
  }
  return Number(seconds);
}

/** A time range's ends (0 = open); refuses validFrom after validUntil. */
export function checkTimeRange(validFrom: number, validUntil: number, context?: string): void {
  if (validUntil !== 0 && validFrom > validUntil) throw new InvalidTimeRangeError({ validFrom, validUntil, context });
}

/** A spend limit: a bigint from 0 to `max`, the module's maximum for that kind of limit. */
export function normalizeSpendLimit(value: unknown, max: bigint, where: Where): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > max) {
    throw new SpendLimitOutOfRangeError({ ...where, value, max });
  }
  return value;
}

/** Periods people write in milliseconds by mistake (`24 * 60 * 60 * 1000`): a minute to a year, as whole seconds. */
const commonPeriods = new Set([60, 3_600, 86_400, 604_800, 30 * 86_400, 365 * 86_400]);

/**
 * A refresh interval: whole seconds from 0 to 2^32 - 1; undefined is 0 (a lifetime total). `heuristics` (the builder)
 * also refuses a common period written in milliseconds, such as 86,400,000 for a day (which would be 1,000 days).
 */
export function normalizeRefreshInterval(value: unknown, where: Where, heuristics = false): number {
  if (value === undefined) return 0;
  const ok =
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= maxSessionKeyRefreshInterval) ||
    (typeof value === 'bigint' && value >= 0n && value <= BigInt(maxSessionKeyRefreshInterval));
  if (!ok) throw new RefreshIntervalOutOfRangeError({ ...where, value, max: maxSessionKeyRefreshInterval });
  const seconds = Number(value);
  if (heuristics && seconds % 1000 === 0 && commonPeriods.has(seconds / 1000)) {
    throw new RefreshIntervalInMillisecondsError({ ...where, value: value as number | bigint });
  }
  return seconds;
}

const selectorPattern = /^0x[0-9a-fA-F]{8}$/;
const signaturePattern = /^(function\s+)?[A-Za-z_$][A-Za-z0-9_$]*\(.*\)/s;

/** A 4-byte selector (lowercased) or a function signature (hashed with viem's toFunctionSelector). */
export function normalizeSelector(value: unknown, context?: string): Hex {
  if (typeof value === 'string') {
    if (selectorPattern.test(value)) return value.toLowerCase() as Hex;
    if (signaturePattern.test(value.trim())) {
      try {
        return toFunctionSelector(value.trim());
      } catch {
        // fall through
      }
    }
  }
  throw new InvalidSelectorError({ value, context });
}

/** 0 (allowlist), 1 (denylist) or 2 (allow-all). */
export function normalizeListType(value: unknown, context?: string): SessionKeyAccessListType {
  if (value === 0 || value === 1 || value === 2) return value;
  throw new InvalidAccessListTypeError({ value, context });
}

/** A boolean, or a typed error naming the field (JS callers may pass anything). */
export function requireBoolean(value: unknown, field: string, context: string): boolean {
  if (typeof value !== 'boolean') {
    throw new SessionKeyPermissionError(`${field} must be a boolean, not ${formatValue(value)}.`, {
      context,
      metaMessages: [`${field}: ${formatValue(value)}`],
    });
  }
  return value;
}

/** The builder's `{ spendLimit, refreshInterval? }` parameters, validated against the kind's maximum. */
export function normalizeLimitParameters(
  parameters: { spendLimit: unknown; refreshInterval?: unknown },
  max: bigint,
  context: string,
): { spendLimit: bigint; refreshInterval: number } {
  if (typeof parameters !== 'object' || parameters === null) {
    throw new SessionKeyPermissionError('Expected { spendLimit, refreshInterval? }.', { context });
  }
  return {
    spendLimit: normalizeSpendLimit(parameters.spendLimit, max, { field: 'spendLimit', context }),
    refreshInterval: normalizeRefreshInterval(parameters.refreshInterval, { field: 'refreshInterval', context }, true),
  };
}
