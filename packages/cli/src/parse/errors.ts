import { CliError, exitCodes } from '../errors.js';

/**
 * A flag or argument the CLI cannot use: names the flag, the value given and what was expected. Exit code 2, like a
 * usage error.
 */
export class InvalidFlagError extends CliError {
  override name = 'InvalidFlagError';
  readonly flag: string;
  readonly value: string;
  readonly expected: string;

  constructor(parameters: { flag: string; value: string; expected: string }) {
    super(`${parameters.flag} "${parameters.value}": ${parameters.expected}`, {
      exitCode: exitCodes.usage,
      details: { flag: parameters.flag, value: parameters.value },
    });
    this.flag = parameters.flag;
    this.value = parameters.value;
    this.expected = parameters.expected;
  }
}

/**
 * Runs one of the SDK's parsers on a flag's value: its refusal (an error with `expected`, such as
 * InvalidDurationError) becomes an {@link InvalidFlagError} naming the flag.
 */
export function parseFlag<T>(flag: string, value: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const expected = (error as { expected?: unknown }).expected;
    if (typeof expected === 'string') throw new InvalidFlagError({ flag, value, expected });
    throw error;
  }
}
