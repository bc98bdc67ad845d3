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
