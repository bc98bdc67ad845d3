import type { Hex } from 'viem';
import { LeashError, type LeashErrorParameters } from '../errors/LeashError.js';

/** Renders an offending value for an error message: strings quoted, bigints and numbers as digits, dates as ISO. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/**
 * Parameters every permission error accepts besides its short message.
 *
 * @example
 * ```ts
 * throw new SessionKeyPermissionError('The limit is above the policy of this app.', { context: 'setGasSpendLimit', details: 'At most 0.1 ETH.' })
 * ```
 */
export type SessionKeyPermissionErrorParameters = LeashErrorParameters & {
  /** Where the value came from, e.g. `setTimeRange` or `update 3 (setTimeRange)`. */
  context?: string | undefined;
};

/**
 * Base class of the errors the permissions builder and {@link decodePermissionUpdates} throw: invalid input caught
 * before it reaches the chain (where the module would revert the whole update).
 *
 * @example
 * ```ts
 * try {
 *   builder.setTimeRange({ validUntil: Date.now() })
 * } catch (error) {
 *   if (error instanceof SessionKeyPermissionError) console.error(error.shortMessage)
 * }
 * ```
 */
export class SessionKeyPermissionError extends LeashError {
  override name = 'SessionKeyPermissionError';
  /** Where the offending value came from (builder method or encoded update), if known. */
  readonly context: string | undefined;

  constructor(shortMessage: string, parameters: SessionKeyPermissionErrorParameters = {}) {
    const { context, ...rest } = parameters;
    super(shortMessage, {
      ...rest,
      metaMessages: [...(rest.metaMessages ?? []), ...(context ? [`In: ${context}`] : [])],
    });
    this.context = context;
  }
}

/**
 * Why an address was refused.
 *
 * @example
 * ```ts
 * if (error instanceof InvalidAddressError && error.reason === 'zero') console.log(`${error.field} is the zero address`)
 * ```
 */
export type InvalidAddressReason = 'invalid' | 'zero' | 'entryPoint';

/**
 * An address is not a valid address, is the zero address, or is an EntryPoint (which the module refuses as a target).
 *
 * @example
 * ```ts
 * builder.addErc20TokenSpendLimit({ tokenAddress: zeroAddress, spendLimit: 1n }) // throws InvalidAddressError
 * ```
 */
export class InvalidAddressError extends SessionKeyPermissionError {
  override name = 'InvalidAddressError';
  /** Which parameter held the address (e.g. `tokenAddress`). */
  readonly field: string;
  /** The offending value. */
  readonly value: unknown;
  readonly reason: InvalidAddressReason;

  constructor({ field, value, reason, context }: { field: string; value: unknown; reason: InvalidAddressReason; context?: string | undefined }) {
    const shortMessage =
      reason === 'zero'
        ? `${field} cannot be the zero address.`
        : reason === 'entryPoint'
          ? `${field} ${formatValue(value)} is an EntryPoint, which session keys can never call.`
          : `${field} ${formatValue(value)} is not a valid address.`;
    super(shortMessage, {
      context,
      details:
        reason === 'invalid'
          ? 'Expected 20 bytes as 0x-prefixed hex, all lowercase or with a valid EIP-55 checksum.'
          : reason === 'zero'
            ? 'The module refuses the zero address as an access list entry or token.'
            : undefined,
      metaMessages: [`${field}: ${formatValue(value)}`],
    });
    this.field = field;
    this.value = value;
    this.reason = reason;
  }
}

/**
 * validFrom is after validUntil (with validUntil set).
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validFrom: 2_000_000_000, validUntil: 1_900_000_000 }) // throws InvalidTimeRangeError
 * ```
 */
export class InvalidTimeRangeError extends SessionKeyPermissionError {
  override name = 'InvalidTimeRangeError';
  readonly validFrom: number;
  readonly validUntil: number;

  constructor({ validFrom, validUntil, context }: { validFrom: number; validUntil: number; context?: string | undefined }) {
    super(`validFrom (${validFrom}) is after validUntil (${validUntil}).`, {
      context,
      details: 'Both ends are inclusive, in seconds; the key would never be valid.',
      metaMessages: [
        `validFrom:  ${validFrom} (${new Date(validFrom * 1000).toISOString()})`,
        `validUntil: ${validUntil} (${new Date(validUntil * 1000).toISOString()})`,
      ],
    });
    this.validFrom = validFrom;
    this.validUntil = validUntil;
  }
}

/**
 * A timestamp looks like milliseconds (for example `Date.now()`) where seconds are expected.
 *
 * @example
 * ```ts
 * builder.setTimeRange({ validUntil: Date.now() + 3_600_000 }) // throws TimestampInMillisecondsError
 * builder.setTimeRange({ validUntil: Math.floor(Date.now() / 1000) + HOUR }) // fine
 * ```
 */
export class TimestampInMillisecondsError extends SessionKeyPermissionError {
  override name = 'TimestampInMillisecondsError';
  readonly field: string;
  readonly value: number | bigint;
  /** The value divided by 1000 and rounded down: what was probably meant. */
  readonly suggested: number;

  constructor({ field, value, context }: { field: string; value: number | bigint; context?: string | undefined }) {
    const suggested = Number(BigInt(value) / 1000n);
    super(`${field} ${value} looks like milliseconds; timestamps are in seconds.`, {
      context,
      details: `Divide by 1000: ${field} ${suggested} is ${new Date(suggested * 1000).toISOString()}.`,
      metaMessages: [`${field}: ${value}`, `In seconds: ${suggested}`],
    });
    this.field = field;
    this.value = value;
    this.suggested = suggested;
  }
}

/**
 * A refresh interval is a common period in milliseconds (for example `24 * 60 * 60 * 1000`) where seconds are expected.
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit, refreshInterval: 86_400_000 }) // throws RefreshIntervalInMillisecondsError
 * builder.setGasSpendLimit({ spendLimit, refreshInterval: DAY }) // fine: 86,400 seconds
 * ```
 */
export class RefreshIntervalInMillisecondsError extends SessionKeyPermissionError {
  override name = 'RefreshIntervalInMillisecondsError';
  readonly field: string;
  readonly value: number | bigint;
  /** The value divided by 1000: what was probably meant. */
  readonly suggested: number;

  constructor({ field, value, context }: { field: string; value: number | bigint; context?: string | undefined }) {
    const suggested = Number(BigInt(value) / 1000n);
    super(`${field} ${value} looks like milliseconds; refresh intervals are in seconds.`, {
      context,
      details: `Divide by 1000: ${suggested} seconds. Use the MINUTE, HOUR, DAY and WEEK constants.`,
      metaMessages: [`${field}: ${value}`, `In seconds: ${suggested}`],
    });
    this.field = field;
    this.value = value;
    this.suggested = suggested;
  }
}

/**
 * A timestamp is negative, not a whole number of seconds, or beyond what the module stores (2^32 - 1, in 2106).
 *
 * @example
 * ```ts
 * builder.setRefreshAnchor({ anchor: -1 }) // throws TimestampOutOfRangeError
 * ```
 */
export class TimestampOutOfRangeError extends SessionKeyPermissionError {
  override name = 'TimestampOutOfRangeError';
  readonly field: string;
  readonly value: unknown;

  constructor({ field, value, max, context }: { field: string; value: unknown; max: number; context?: string | undefined }) {
    super(`${field} ${formatValue(value)} is not a timestamp the module accepts.`, {
      context,
      details: `Timestamps are whole seconds from 0 to ${max} (0 leaves a side of the range open).`,
      metaMessages: [`${field}: ${formatValue(value)}`],
    });
    this.field = field;
    this.value = value;
  }
}

/**
 * A spend limit is not a bigint, is negative, or is beyond what the module stores for its kind (`max`). For "no limit", remove
 * the limit instead.
 *
 * @example
 * ```ts
 * builder.setNativeTokenSpendLimit({ spendLimit: -1n }) // throws SpendLimitOutOfRangeError
 * ```
 */
export class SpendLimitOutOfRangeError extends SessionKeyPermissionError {
  override name = 'SpendLimitOutOfRangeError';
  readonly field: string;
  readonly value: unknown;
  /** The largest limit the module stores for this kind of limit. */
  readonly max: bigint;

  constructor({ field, value, max, context }: { field: string; value: unknown; max: bigint; context?: string | undefined }) {
    const notBigint = typeof value !== 'bigint';
    super(
      notBigint
        ? `${field} must be a bigint amount in base units, not ${typeof value} ${formatValue(value)}.`
        : `${field} ${value} is out of range.`,
      {
        context,
        details: notBigint
          ? 'Use parseEther / parseUnits, or a bigint literal such as 100n.'
          : `This limit is from 0 to ${max} base units; remove the limit for "no limit".`,
        metaMessages: [`${field}: ${formatValue(value)}`],
      },
    );
    this.field = field;
    this.value = value;
    this.max = max;
  }
}

/**
 * A refresh interval is negative, not a whole number of seconds, or longer than the module stores (2^32 - 1 seconds).
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: 1.5 }) // throws RefreshIntervalOutOfRangeError
 * ```
 */
export class RefreshIntervalOutOfRangeError extends SessionKeyPermissionError {
  override name = 'RefreshIntervalOutOfRangeError';
  readonly field: string;
  readonly value: unknown;

  constructor({ field, value, max, context }: { field: string; value: unknown; max: number; context?: string | undefined }) {
    super(`${field} ${formatValue(value)} is not a refresh interval the module accepts.`, {
      context,
      details: `Refresh intervals are whole seconds from 0 (a lifetime total) to ${max} (2^32 - 1).`,
      metaMessages: [`${field}: ${formatValue(value)}`],
    });
    this.field = field;
    this.value = value;
  }
}

/**
 * The same permission was set twice in one builder (a contract entry, a function entry, a token's limit, or a scalar
 * permission such as the time range). Each builder describes one update, in which every permission appears once.
 *
 * @example
 * ```ts
 * builder.setGasSpendLimit({ spendLimit: 1n }).removeGasSpendLimit() // throws DuplicatePermissionError
 * ```
 */
export class DuplicatePermissionError extends SessionKeyPermissionError {
  override name = 'DuplicatePermissionError';
  /** The permission set twice, in words (e.g. `the ERC-20 spend limit of token 0x…`). */
  readonly permission: string;

  constructor({ permission, context }: { permission: string; context?: string | undefined }) {
    super(`${permission[0]!.toUpperCase()}${permission.slice(1)} is already set in this builder.`, {
      context,
      details: 'Each permission may appear once per update; build a separate update to change it again.',
      metaMessages: [`Permission: ${permission}`],
    });
    this.permission = permission;
  }
}

/**
 * A function selector is neither 4 bytes of hex nor a function signature such as `transfer(address,uint256)`.
 *
 * @example
 * ```ts
 * builder.addContractFunctionAccessEntry({ contractAddress: usdc, methodSelector: '0xa9059c', isOnList: true }) // throws InvalidSelectorError
 * ```
 */
export class InvalidSelectorError extends SessionKeyPermissionError {
  override name = 'InvalidSelectorError';
  readonly value: unknown;

  constructor({ value, context }: { value: unknown; context?: string | undefined }) {
    super(`${formatValue(value)} is not a function selector.`, {
      context,
      details: "Expected 4 bytes as hex (e.g. '0xa9059cbb') or a function signature (e.g. 'transfer(address,uint256)').",
      metaMessages: [`methodSelector: ${formatValue(value)}`],
    });
    this.value = value;
  }
}

/**
 * An access list type other than 0 (allowlist), 1 (denylist) or 2 (allow-all).
 *
 * @example
 * ```ts
 * builder.setContractAccessControlType(3 as SessionKeyAccessListType) // throws InvalidAccessListTypeError
 * ```
 */
export class InvalidAccessListTypeError extends SessionKeyPermissionError {
  override name = 'InvalidAccessListTypeError';
  readonly value: unknown;

  constructor({ value, context }: { value: unknown; context?: string | undefined }) {
    super(`${formatValue(value)} is not an access list type.`, {
      context,
      details: 'Use SessionKeyAccessListType.ALLOWLIST (0), DENYLIST (1) or ALLOW_ALL (2).',
      metaMessages: [`type: ${formatValue(value)}`],
    });
    this.value = value;
  }
}

/**
 * An encoded update whose selector names no function of ISessionKeyPermissionUpdates.
 *
 * @example
 * ```ts
 * decodePermissionUpdates(['0xdeadbeef']) // throws UnknownPermissionUpdateError
 * ```
 */
export class UnknownPermissionUpdateError extends SessionKeyPermissionError {
  override name = 'UnknownPermissionUpdateError';
  /** Position of the update in the list. */
  readonly index: number;
  readonly update: Hex;
  /** The update's first 4 bytes (0x00000000 when shorter). */
  readonly selector: Hex;

  constructor({ index, update, selector }: { index: number; update: Hex; selector: Hex }) {
    super(`Update ${index} has the unknown selector ${selector}.`, {
      details: 'Each update must be an encoded call to a function of ISessionKeyPermissionUpdates.',
      metaMessages: [`Update ${index}: ${update}`],
    });
    this.index = index;
    this.update = update;
    this.selector = selector;
  }
}

/**
 * An encoded update with a known selector whose arguments are not the canonical ABI encoding the module accepts
 * (wrong length, dirty padding, a bool other than 0 or 1, a value wider than its type).
 *
 * @example
 * ```ts
 * decodePermissionUpdates([`${encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeGasSpendLimit' })}00`]) // throws MalformedPermissionUpdateError
 * ```
 */
export class MalformedPermissionUpdateError extends SessionKeyPermissionError {
  override name = 'MalformedPermissionUpdateError';
  readonly index: number;
  readonly update: Hex;
  /** The update function the selector names. */
  readonly functionName: string;

  constructor({ index, update, functionName, cause }: { index: number; update: Hex; functionName: string; cause?: Error | undefined }) {
    super(`Update ${index} (${functionName}) is not well-formed.`, {
      cause,
      details: 'The module accepts only the canonical ABI encoding of each update.',
      metaMessages: [`Update ${index}: ${update}`],
    });
    this.index = index;
    this.update = update;
    this.functionName = functionName;
  }
}
