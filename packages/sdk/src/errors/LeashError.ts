import { BaseError } from 'viem';

/** Version of this SDK, as reported by its errors. */
export const leashSdkVersion = '@leash/sdk@0.1.0';

/**
 * Parameters every Leash error accepts besides its short message.
 *
 * @example
 * ```ts
 * throw new LeashError('Payment refused.', { details: 'The invoice is above the allowance.', metaMessages: [`Invoice: ${id}`] })
 * ```
 */
export type LeashErrorParameters = {
  /** The underlying error, if this one wraps another. */
  cause?: Error | undefined;
  /** Longer explanation, printed under the short message. */
  details?: string | undefined;
  /** Extra lines (e.g. the numbers involved), printed under the short message. */
  metaMessages?: string[] | undefined;
};

/**
 * Base class of every error the Leash SDK throws. Like viem's errors it has a one-line `shortMessage`,
 * optional `details`, and `walk()` to find a cause of a given type.
 *
 * @example
 * ```ts
 * try {
 *   await client.executeWithSessionKey({ calls })
 * } catch (error) {
 *   if (error instanceof LeashError) console.error(error.shortMessage)
 * }
 * ```
 */
export class LeashError extends BaseError {
  override name = 'LeashError';

  constructor(shortMessage: string, parameters: LeashErrorParameters = {}) {
    super(shortMessage, {
      ...(parameters.cause ? { cause: parameters.cause } : {}),
      ...(parameters.details ? { details: parameters.details } : {}),
      ...(parameters.metaMessages ? { metaMessages: parameters.metaMessages } : {}),
    });
    // viem appends its own version line; a Leash error names the Leash SDK instead.
    this.message = this.message.replace(/\nVersion: viem@[^\n]*$/, '').trimEnd();
    this.version = leashSdkVersion;
  }
}
