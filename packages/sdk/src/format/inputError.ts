import { LeashError } from '../errors/LeashError.js';

/**
 * Text an app took from a person (a flag, a form field) that a parser of the SDK cannot read: the input, and what was
 * expected instead, in words. Apps show `expected` next to their own field name (the CLI's `--flag "value": expected`).
 *
 * @example
 * ```ts
 * try {
 *   parseCallLimit(field.value)
 * } catch (error) {
 *   if (error instanceof InvalidInputError) showFieldError(error.expected)
 * }
 * ```
 */
export class InvalidInputError extends LeashError {
  override name = 'InvalidInputError';
  readonly input: string;
  /** What was expected instead, in words. */
  readonly expected: string;

  constructor({ input, expected }: { input: string; expected: string }) {
    super(`"${input}": ${expected}.`);
    this.input = input;
    this.expected = expected;
  }
}
